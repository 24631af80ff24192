using k8s.Models;

namespace KubeLab.Simulator.Scheduler;

/// <summary>
/// Taint/toleration matching as Kubernetes defines it (core/v1 Toleration.ToleratesTaint):
/// a toleration matches a taint when the effects match (an empty toleration effect matches every effect),
/// the keys match (an empty key with operator Exists matches every key), and either the operator is Exists
/// or the operator is Equal (the default) and the values are equal.
/// Only NoSchedule and NoExecute taints keep a pod off a node; PreferNoSchedule is only a preference.
/// </summary>
public static class TaintToleration
{
    public static bool Tolerates(V1Toleration toleration, V1Taint taint)
    {
        if (!string.IsNullOrEmpty(toleration.Effect) && toleration.Effect != taint.Effect) return false;
        if (!string.IsNullOrEmpty(toleration.Key) && toleration.Key != taint.Key) return false;
        return (toleration.OperatorProperty ?? "Equal") switch
        {
            "Exists" => true,
            "Equal" or "" => string.IsNullOrEmpty(toleration.Key) ? false : (toleration.Value ?? "") == (taint.Value ?? ""),
            _ => false,
        };
    }

    /// <summary>The first NoSchedule/NoExecute taint of the node that none of the tolerations tolerate, or null.</summary>
    public static V1Taint? FirstUntolerated(IEnumerable<V1Taint>? taints, IEnumerable<V1Toleration>? tolerations)
    {
        if (taints is null) return null;
        foreach (var taint in taints)
        {
            if (taint.Effect is not ("NoSchedule" or "NoExecute")) continue;
            var tolerated = false;
            if (tolerations is not null)
                foreach (var toleration in tolerations)
                    if (Tolerates(toleration, taint)) { tolerated = true; break; }
            if (!tolerated) return taint;
        }
        return null;
    }
}
