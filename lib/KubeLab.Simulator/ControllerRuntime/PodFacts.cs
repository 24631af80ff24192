using k8s.Models;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>Small questions controllers ask about pods, answered as Kubernetes' podutil / controller_utils answer them.</summary>
public static class PodFacts
{
    /// <summary>Active = not terminating and not finished (controller_utils FilterActivePods).</summary>
    public static bool IsActive(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null && pod.Status?.Phase is not ("Succeeded" or "Failed");

    public static V1PodCondition? Condition(V1Pod pod, string type) => pod.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public static bool IsReady(V1Pod pod) => Condition(pod, "Ready")?.Status == "True";

    /// <summary>Available = ready for at least minReadySeconds (podutil.IsPodAvailable).</summary>
    public static bool IsAvailable(V1Pod pod, int minReadySeconds, DateTime now)
    {
        var ready = Condition(pod, "Ready");
        if (ready?.Status != "True") return false;
        if (minReadySeconds == 0) return true;
        return ready.LastTransitionTime is { } since && since.ToUniversalTime().AddSeconds(minReadySeconds) <= now;
    }

    public static V1OwnerReference? ControllerOf(V1Pod pod) => pod.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true);

    public static int RestartCount(V1Pod pod) => (pod.Status?.ContainerStatuses ?? []).Sum(c => c.RestartCount);
}
