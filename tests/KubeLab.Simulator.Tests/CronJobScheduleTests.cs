using KubeLab.Simulator.Controllers.CronJob;

namespace KubeLab.Simulator.Tests;

/// <summary>Cron schedules as the CronJob controller reads them: 5 fields, macros, time zones, the missed-start count.</summary>
public sealed class CronJobScheduleTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 10, 12, 34, 56, TimeSpan.Zero);

    [Theory]
    [InlineData("*/5 * * * *", "2026-03-10T12:35:00Z")]
    [InlineData("0 * * * *", "2026-03-10T13:00:00Z")]
    [InlineData("@hourly", "2026-03-10T13:00:00Z")]
    [InlineData("@daily", "2026-03-11T00:00:00Z")]
    [InlineData("30 2 * * 1", "2026-03-16T02:30:00Z")] // the next Monday
    public void Next_occurrence_in_UTC(string schedule, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), CronJobSchedule.Parse(schedule, null).Next(At));

    [Fact]
    public void Time_zones_shift_the_schedule()
    {
        // 09:00 in Tokyo (UTC+9, no DST) is 00:00 UTC.
        var next = CronJobSchedule.Parse("0 9 * * *", "Asia/Tokyo").Next(At);
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero), next);
        Assert.Equal(next, CronJobSchedule.Parse("TZ=Asia/Tokyo 0 9 * * *", null).Next(At));
    }

    [Theory]
    [InlineData("* * * *")]
    [InlineData("61 * * * *")]
    [InlineData("@every 5m")]
    [InlineData("not a schedule")]
    public void Bad_schedules_are_rejected_with_a_message(string schedule)
    {
        var e = Assert.Throws<FormatException>(() => CronJobSchedule.Parse(schedule, null));
        Assert.Contains(schedule.Split(' ')[0], e.Message);
    }

    [Fact]
    public void Unknown_time_zone_is_rejected() =>
        Assert.Contains("unknown time zone", Assert.Throws<FormatException>(() => CronJobSchedule.Parse("* * * * *", "Mars/Olympus")).Message);

    [Fact]
    public void Most_recent_missed_time_and_the_count()
    {
        var s = CronJobSchedule.Parse("* * * * *", null);
        var (recent, missed) = s.MostRecent(At.AddMinutes(-10), At);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 12, 34, 0, TimeSpan.Zero), recent);
        Assert.Equal(10, missed);
        var (longAgo, many) = s.MostRecent(At.AddDays(-1), At);
        Assert.Equal(recent, longAgo);
        Assert.True(many > CronJobSchedule.MaxMissedStartTimes);
        Assert.Equal((null, 0), s.MostRecent(At, At.AddSeconds(3)));
    }
}
