using k8s.Models;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>Small questions controllers ask about pods, answered as Kubernetes' podutil / controller_utils answer them.</summary>
public static class PodFacts
{
    /// <summary>Active = not terminating and not finished (controller_utils FilterActivePods).</summary>
    public static bool IsActive(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null && pod.Status?.Phase is not ("Succeeded" or "Failed");

    // A plain loop: controllers ask this for every pod on every sync (10,000 pods), and a LINQ predicate allocates per call.
    public static V1PodCondition? Condition(V1Pod pod, string type)
    {
        if (pod.Status?.Conditions is not { } conditions) return null;
        foreach (var c in conditions)
            if (c.Type == type) return c;
        return null;
    }

    public static bool IsReady(V1Pod pod) => Condition(pod, "Ready")?.Status == "True";

    /// <summary>Available = ready for at least minReadySeconds (podutil.IsPodAvailable).</summary>
    public static bool IsAvailable(V1Pod pod, int minReadySeconds, DateTime now) =>
        Condition(pod, "Ready") is { Status: "True" } ready && IsAvailable(ready, minReadySeconds, now);

    /// <summary>The same for a pod whose Ready condition (status True) the caller has already found.</summary>
    public static bool IsAvailable(V1PodCondition ready, int minReadySeconds, DateTime now) => IsAvailable(ready.LastTransitionTime, minReadySeconds, now);

    /// <summary>The same from the time the pod turned ready (its Ready condition's lastTransitionTime).</summary>
    public static bool IsAvailable(DateTime? readySince, int minReadySeconds, DateTime now) =>
        minReadySeconds == 0 || (readySince is { } since && since.ToUniversalTime().AddSeconds(minReadySeconds) <= now);

    /// <summary>
    /// The pod index of kube-controller-manager (pkg/controller/controller_utils.go, PodControllerUIDIndex): pods by their
    /// controller's UID; pods without a controller are indexed as orphans of their namespace (<see cref="OrphansOf"/>).
    /// </summary>
    public const string ControllerUidIndex = "podControllerUID";

    public static string? ControllerUidIndexValue(V1Pod pod) => ControllerOf(pod)?.Uid is { } uid ? uid : OrphansOf(pod.Metadata.NamespaceProperty);

    public static string OrphansOf(string? ns) => "orphans:" + ns;

    /// <summary>The pods a controller may own: those it controls and the orphans of its namespace (candidates for adoption).</summary>
    public static IEnumerable<V1Pod> OwnedOrOrphans(ControllerRuntime.Informer<V1Pod, V1PodList> pods, V1ObjectMeta owner)
    {
        pods.AddIndex(ControllerUidIndex, ControllerUidIndexValue);
        return pods.ByIndex(ControllerUidIndex, owner.Uid).Concat(pods.ByIndex(ControllerUidIndex, OrphansOf(owner.NamespaceProperty)));
    }

    public static V1OwnerReference? ControllerOf(V1Pod pod)
    {
        if (pod.Metadata.OwnerReferences is not { } refs) return null;
        foreach (var r in refs)
            if (r.Controller == true) return r;
        return null;
    }

    public static int RestartCount(V1Pod pod) => (pod.Status?.ContainerStatuses ?? []).Sum(c => c.RestartCount);
}
