using k8s.Models;

namespace KubeLab.Simulator.Controllers.Job;

/// <summary>
/// The Job conditions and their texts as kube-controller-manager 1.32 writes them. A finishing Job first gets an interim
/// condition (<c>SuccessCriteriaMet</c> or <c>FailureTarget</c>) and the final one (<c>Complete</c> / <c>Failed</c>, with the
/// same reason and message) once none of its pods is still running or terminating.
/// </summary>
public static class JobConditions
{
    public const string Complete = "Complete", Failed = "Failed", SuccessCriteriaMet = "SuccessCriteriaMet", FailureTarget = "FailureTarget", Suspended = "Suspended";

    public const string CompletionsReached = "CompletionsReached";
    public const string CompletionsReachedMessage = "Reached expected number of succeeded pods";
    public const string BackoffLimitExceeded = "BackoffLimitExceeded";
    public const string BackoffLimitExceededMessage = "Job has reached the specified backoff limit";
    public const string DeadlineExceeded = "DeadlineExceeded";
    public const string DeadlineExceededMessage = "Job was active longer than specified deadline";

    public static V1JobCondition? Find(V1Job job, string type) => job.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public static bool IsTrue(V1Job job, string type) => Find(job, type)?.Status == "True";

    /// <summary>Finished = Complete or Failed is True (the controller no longer touches it).</summary>
    public static bool IsFinished(V1Job job) => IsTrue(job, Complete) || IsTrue(job, Failed);

    /// <summary>Sets (or keeps) a condition; lastTransitionTime changes only when the status flips.</summary>
    public static List<V1JobCondition> With(IEnumerable<V1JobCondition>? existing, string type, string status, string? reason, string? message, DateTime now)
    {
        var list = (existing ?? []).ToList();
        var i = list.FindIndex(c => c.Type == type);
        if (i >= 0 && list[i].Status == status && list[i].Reason == reason && list[i].Message == message) return list;
        var transition = i >= 0 && list[i].Status == status ? list[i].LastTransitionTime ?? now : now;
        var condition = new V1JobCondition
        {
            Type = type, Status = status, Reason = reason, Message = message, LastProbeTime = now, LastTransitionTime = transition,
        };
        if (i >= 0) list[i] = condition; else list.Add(condition);
        return list;
    }
}
