using Cronos;

namespace KubeLab.Simulator.Controllers.CronJob;

/// <summary>
/// A CronJob's schedule: the 5-field cron format (minute hour day-of-month month day-of-week) or a macro
/// (@yearly/@annually, @monthly, @weekly, @daily/@midnight, @hourly), evaluated in spec.timeZone (an IANA name), in a
/// legacy <c>TZ=</c>/<c>CRON_TZ=</c> prefix, or else in the controller manager's zone – UTC, as in kind.
/// Parsing uses Cronos; the "most recent missed time" arithmetic follows pkg/controller/cronjob utils.go.
/// </summary>
public sealed class CronJobSchedule
{
    /// <summary>More missed start times than this makes the controller warn (TooManyMissedTimes).</summary>
    public const int MaxMissedStartTimes = 100;

    private readonly CronExpression expression;

    private CronJobSchedule(CronExpression expression, TimeZoneInfo zone)
    {
        this.expression = expression;
        Zone = zone;
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>Parses a schedule; throws <see cref="FormatException"/> with a readable message when it cannot.</summary>
    public static CronJobSchedule Parse(string schedule, string? timeZone)
    {
        var text = schedule.Trim();
        var zoneName = timeZone;
        foreach (var prefix in new[] { "CRON_TZ=", "TZ=" })
        {
            if (!text.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0) throw new FormatException($"unparseable schedule \"{schedule}\": no cron fields after the time zone");
            zoneName ??= text[prefix.Length..space];
            text = text[(space + 1)..].Trim();
        }
        TimeZoneInfo zone;
        try { zone = string.IsNullOrEmpty(zoneName) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(zoneName); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new FormatException($"unknown time zone {zoneName}");
        }
        if (text.StartsWith('@') && text is not ("@yearly" or "@annually" or "@monthly" or "@weekly" or "@daily" or "@midnight" or "@hourly"))
            throw new FormatException($"unparseable schedule \"{schedule}\": unrecognized descriptor: {text}");
        try { return new CronJobSchedule(CronExpression.Parse(text, CronFormat.Standard), zone); }
        catch (CronFormatException e) { throw new FormatException($"unparseable schedule \"{schedule}\": {e.Message}"); }
    }

    /// <summary>The first scheduled time strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) =>
        expression.GetNextOccurrence(after.UtcDateTime, Zone, inclusive: false) is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null;

    /// <summary>
    /// The latest scheduled time in (<paramref name="earliest"/>, <paramref name="now"/>] and how many there were
    /// (counting stops a little past <see cref="MaxMissedStartTimes"/>).
    /// </summary>
    public (DateTimeOffset? MostRecent, int Missed) MostRecent(DateTimeOffset earliest, DateTimeOffset now)
    {
        DateTimeOffset? last = null;
        var count = 0;
        for (var t = Next(earliest); t is { } at && at <= now; t = Next(at))
        {
            last = at;
            if (++count > MaxMissedStartTimes)
            {
                // Too many to walk one by one: jump close to now and find the latest from there.
                for (var u = Next(now - TimeSpan.FromDays(1) > at ? now - TimeSpan.FromDays(1) : at); u is { } b && b <= now; u = Next(b)) last = b;
                break;
            }
        }
        return (last, count);
    }
}
