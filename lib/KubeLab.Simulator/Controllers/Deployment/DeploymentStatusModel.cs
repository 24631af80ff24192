using k8s.Models;

namespace KubeLab.Simulator.Controllers.Deployment;

/// <summary>
/// A Deployment's status as the deployment controller computes it (sync.go calculateStatus, progress.go, deployment_util.go):
/// counts summed over its ReplicaSets, the <c>Available</c> condition (at least replicas − maxUnavailable available) and the
/// <c>Progressing</c> condition with Kubernetes' reasons and messages. Conditions keep lastTransitionTime while their status
/// stays the same; setting a condition with the same status and reason changes nothing.
/// </summary>
public static class DeploymentStatusModel
{
    public const string Available = "Available";
    public const string Progressing = "Progressing";
    public const string MinimumReplicasAvailable = "MinimumReplicasAvailable";
    public const string MinimumReplicasUnavailable = "MinimumReplicasUnavailable";
    public const string NewReplicaSetCreated = "NewReplicaSetCreated";
    public const string FoundNewReplicaSet = "FoundNewReplicaSet";
    public const string ReplicaSetUpdated = "ReplicaSetUpdated";
    public const string NewReplicaSetAvailable = "NewReplicaSetAvailable";
    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";
    public const string DeploymentPaused = "DeploymentPaused";
    public const string DeploymentResumed = "DeploymentResumed";

    public static int SpecReplicas(IEnumerable<V1ReplicaSet?> rss) => rss.Where(r => r is not null).Sum(r => r!.Spec.Replicas ?? 0);
    public static int ActualReplicas(IEnumerable<V1ReplicaSet?> rss) => rss.Where(r => r is not null).Sum(r => r!.Status?.Replicas ?? 0);
    public static int ReadyReplicas(IEnumerable<V1ReplicaSet?> rss) => rss.Where(r => r is not null).Sum(r => r!.Status?.ReadyReplicas ?? 0);
    public static int AvailableReplicas(IEnumerable<V1ReplicaSet?> rss) => rss.Where(r => r is not null).Sum(r => r!.Status?.AvailableReplicas ?? 0);

    /// <summary>calculateStatus: counts over all ReplicaSets, updatedReplicas from the new one, and the Available condition.</summary>
    public static V1DeploymentStatus Calculate(IReadOnlyList<V1ReplicaSet?> all, V1ReplicaSet? newRs, V1Deployment d, DateTime now)
    {
        var available = AvailableReplicas(all);
        var status = new V1DeploymentStatus
        {
            ObservedGeneration = d.Metadata.Generation,
            Replicas = ActualReplicas(all),
            UpdatedReplicas = ActualReplicas([newRs]),
            ReadyReplicas = ReadyReplicas(all),
            AvailableReplicas = available,
            UnavailableReplicas = Math.Max(0, SpecReplicas(all) - available),
            CollisionCount = d.Status?.CollisionCount,
            Conditions = (d.Status?.Conditions ?? []).Select(Copy).ToList(),
        };
        var minimum = RolloutArithmetic.Replicas(d) - RolloutArithmetic.MaxUnavailable(d);
        SetCondition(status, available >= minimum
            ? New(Available, "True", MinimumReplicasAvailable, "Deployment has minimum availability.", now)
            : New(Available, "False", MinimumReplicasUnavailable, "Deployment does not have minimum availability.", now));
        return status;
    }

    public static V1DeploymentCondition New(string type, string status, string reason, string message, DateTime now)
    {
        var t = Truncate(now);
        return new V1DeploymentCondition { Type = type, Status = status, Reason = reason, Message = message, LastUpdateTime = t, LastTransitionTime = t };
    }

    /// <summary>API timestamps have whole seconds.</summary>
    public static DateTime Truncate(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    public static V1DeploymentCondition? Get(V1DeploymentStatus? s, string type) => s?.Conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>SetDeploymentCondition: same status and reason → no change; same status → keep lastTransitionTime; the condition moves to the end.</summary>
    public static void SetCondition(V1DeploymentStatus s, V1DeploymentCondition c)
    {
        var current = Get(s, c.Type);
        if (current is not null && current.Status == c.Status && current.Reason == c.Reason) return;
        if (current is not null && current.Status == c.Status) c.LastTransitionTime = current.LastTransitionTime;
        s.Conditions = (s.Conditions ?? []).Where(x => x.Type != c.Type).Append(c).ToList();
    }

    public static void RemoveCondition(V1DeploymentStatus s, string type) =>
        s.Conditions = (s.Conditions ?? []).Where(x => x.Type != type).ToList();

    private static V1DeploymentCondition Copy(V1DeploymentCondition c) => new()
    {
        Type = c.Type, Status = c.Status, Reason = c.Reason, Message = c.Message, LastUpdateTime = c.LastUpdateTime, LastTransitionTime = c.LastTransitionTime,
    };

    public static bool HasProgressDeadline(V1Deployment d) => d.Spec.ProgressDeadlineSeconds is { } p && p != int.MaxValue;

    /// <summary>DeploymentComplete: every replica updated and available, and the controller has seen the latest spec.</summary>
    public static bool Complete(V1Deployment d, V1DeploymentStatus s)
    {
        var r = RolloutArithmetic.Replicas(d);
        return (s.UpdatedReplicas ?? 0) == r && (s.Replicas ?? 0) == r && (s.AvailableReplicas ?? 0) == r
            && (s.ObservedGeneration ?? 0) >= (d.Metadata.Generation ?? 0);
    }

    /// <summary>DeploymentProgressing: more updated, fewer old, more ready or more available replicas than last time.</summary>
    public static bool Progressed(V1Deployment d, V1DeploymentStatus s)
    {
        var old = d.Status ?? new V1DeploymentStatus();
        var oldOld = (old.Replicas ?? 0) - (old.UpdatedReplicas ?? 0);
        var newOld = (s.Replicas ?? 0) - (s.UpdatedReplicas ?? 0);
        return (s.UpdatedReplicas ?? 0) > (old.UpdatedReplicas ?? 0) || newOld < oldOld
            || (s.ReadyReplicas ?? 0) > (old.ReadyReplicas ?? 0) || (s.AvailableReplicas ?? 0) > (old.AvailableReplicas ?? 0);
    }

    /// <summary>DeploymentTimedOut: no progress recorded for progressDeadlineSeconds since the condition's lastUpdateTime.</summary>
    public static bool TimedOut(V1Deployment d, DateTime now)
    {
        if (!HasProgressDeadline(d)) return false;
        var c = Get(d.Status, Progressing);
        if (c is null || c.Reason == NewReplicaSetAvailable) return false;
        if (c.Reason == ProgressDeadlineExceeded) return true;
        return c.LastUpdateTime is { } from && from.ToUniversalTime().AddSeconds(d.Spec.ProgressDeadlineSeconds!.Value) < now;
    }

    /// <summary>
    /// syncRolloutStatus's condition step: complete → NewReplicaSetAvailable; progressed → ReplicaSetUpdated (refreshing
    /// lastUpdateTime, which restarts the deadline); no progress for too long → False/ProgressDeadlineExceeded.
    /// </summary>
    public static void UpdateProgressing(V1Deployment d, V1DeploymentStatus s, V1ReplicaSet? newRs, DateTime now)
    {
        if (!HasProgressDeadline(d)) { RemoveCondition(s, Progressing); return; }
        var current = Get(s, Progressing);
        var alreadyComplete = s.Replicas == s.UpdatedReplicas && current?.Reason == NewReplicaSetAvailable;
        if (alreadyComplete) return;
        if (Complete(d, s))
        {
            var msg = newRs is null ? "Deployment has successfully progressed." : $"ReplicaSet \"{newRs.Metadata.Name}\" has successfully progressed.";
            SetCondition(s, New(Progressing, "True", NewReplicaSetAvailable, msg, now));
        }
        else if (Progressed(d, s))
        {
            var msg = newRs is null ? "Deployment is progressing." : $"ReplicaSet \"{newRs.Metadata.Name}\" is progressing.";
            var c = New(Progressing, "True", ReplicaSetUpdated, msg, now);
            if (current is not null)
            {
                if (current.Status == "True") c.LastTransitionTime = current.LastTransitionTime;
                RemoveCondition(s, Progressing);
            }
            SetCondition(s, c);
        }
        else if (TimedOut(d, now))
        {
            var msg = newRs is null ? "Deployment has timed out progressing." : $"ReplicaSet \"{newRs.Metadata.Name}\" has timed out progressing.";
            SetCondition(s, New(Progressing, "False", ProgressDeadlineExceeded, msg, now));
        }
    }
}
