using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Storage;
using KubeLab.Simulator.Controllers.CronJob;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// batch/v1 CronJob schedule (pkg/apis/batch/validation validateScheduleFormat: cron.ParseStandard must accept it). The field
/// count is worded as robfig/cron does ("Expected exactly 5 fields, found 1: bogus"); other errors come from the parser the
/// CronJob controller uses.
/// </summary>
internal static class CronJobScheduleValidation
{
    public static void Validate(JsonObject cronJob, List<FieldError> errors)
    {
        var schedule = cronJob.Path("spec.schedule")?.ToString();
        if (string.IsNullOrEmpty(schedule))
        {
            errors.Add(FieldError.Required("spec.schedule"));
            return;
        }
        var quoted = Decoding.GoFormat.Quote(schedule);
        var fields = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var body = fields.Length > 0 && fields[0].StartsWith("TZ=", StringComparison.Ordinal) || fields.Length > 0 && fields[0].StartsWith("CRON_TZ=", StringComparison.Ordinal) ? fields[1..] : fields;
        if (body.Length > 0 && !body[0].StartsWith('@') && body.Length != 5)
        {
            errors.Add(FieldError.Invalid("spec.schedule", quoted, $"Expected exactly 5 fields, found {body.Length}: {string.Join(" ", body)}"));
            return;
        }
        try { CronJobSchedule.Parse(schedule, cronJob.Path("spec.timeZone")?.ToString()); }
        catch (FormatException e) { errors.Add(FieldError.Invalid("spec.schedule", quoted, e.Message)); }
    }
}
