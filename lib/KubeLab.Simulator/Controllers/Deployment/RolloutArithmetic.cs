using k8s.Models;

namespace KubeLab.Simulator.Controllers.Deployment;

/// <summary>
/// The numbers a Deployment rollout is allowed to move within (pkg/controller/deployment/util/deployment_util.go):
/// maxSurge and maxUnavailable resolved against spec.replicas – a percentage of surge rounds UP, a percentage of
/// unavailability rounds DOWN, and if both come out 0 maxUnavailable becomes 1 so a rollout can always move –
/// plus how far the new ReplicaSet may grow and how a replica change mid-rollout is shared out proportionally.
/// </summary>
public static class RolloutArithmetic
{
    /// <summary>An int-or-percent value ("25%" or 2) scaled against a total (intstr.GetScaledValueFromIntOrPercent).</summary>
    public static int Scaled(string? intOrPercent, int total, bool roundUp)
    {
        if (string.IsNullOrEmpty(intOrPercent)) return 0;
        if (intOrPercent.EndsWith('%'))
        {
            if (!int.TryParse(intOrPercent[..^1], out var percent))
                throw new ArgumentException($"invalid value for IntOrString: invalid value \"{intOrPercent}\": invalid type: string is not a percentage");
            var exact = (double)percent * total / 100;
            return roundUp ? (int)Math.Ceiling(exact) : (int)Math.Floor(exact);
        }
        if (!int.TryParse(intOrPercent, out var value))
            throw new ArgumentException($"invalid value for IntOrString: invalid type: string is not a percentage");
        return value;
    }

    /// <summary>ResolveFenceposts: (maxSurge, maxUnavailable) as pod counts for <paramref name="desired"/> replicas.</summary>
    public static (int MaxSurge, int MaxUnavailable) ResolveFenceposts(string? maxSurge, string? maxUnavailable, int desired)
    {
        var surge = Scaled(maxSurge, desired, roundUp: true);
        var unavailable = Scaled(maxUnavailable, desired, roundUp: false);
        // Both 0 is rejected by validation, but 25% of 3 rounds down to 0: surging is the bigger risk, so allow one unavailable.
        if (surge == 0 && unavailable == 0) unavailable = 1;
        return (surge, unavailable);
    }

    public static bool IsRollingUpdate(V1Deployment d) => (d.Spec.Strategy?.Type ?? "RollingUpdate") == "RollingUpdate";

    private static (string? Surge, string? Unavailable) RawFenceposts(V1Deployment d) =>
        (d.Spec.Strategy?.RollingUpdate?.MaxSurge?.Value ?? "25%", d.Spec.Strategy?.RollingUpdate?.MaxUnavailable?.Value ?? "25%");

    public static int Replicas(V1Deployment d) => d.Spec.Replicas ?? 1;

    /// <summary>MaxSurge(deployment): 0 for Recreate.</summary>
    public static int MaxSurge(V1Deployment d)
    {
        if (!IsRollingUpdate(d)) return 0;
        var (s, u) = RawFenceposts(d);
        return ResolveFenceposts(s, u, Replicas(d)).MaxSurge;
    }

    /// <summary>MaxUnavailable(deployment): 0 for Recreate or 0 replicas, never more than spec.replicas.</summary>
    public static int MaxUnavailable(V1Deployment d)
    {
        if (!IsRollingUpdate(d) || Replicas(d) == 0) return 0;
        var (s, u) = RawFenceposts(d);
        return Math.Min(ResolveFenceposts(s, u, Replicas(d)).MaxUnavailable, Replicas(d));
    }

    /// <summary>
    /// NewRSNewReplicas: the size the new ReplicaSet may have now. RollingUpdate: grow until all ReplicaSets together
    /// reach replicas + maxSurge, never past replicas. Recreate: straight to replicas.
    /// </summary>
    public static int NewReplicaSetReplicas(int replicas, bool rollingUpdate, int maxSurge, int allReplicaSetsReplicas, int newReplicaSetReplicas)
    {
        if (!rollingUpdate) return replicas;
        var maxTotal = replicas + maxSurge;
        if (allReplicaSetsReplicas >= maxTotal) return newReplicaSetReplicas; // cannot surge any further
        var scaleUp = Math.Min(maxTotal - allReplicaSetsReplicas, replicas - newReplicaSetReplicas);
        return newReplicaSetReplicas + scaleUp;
    }

    /// <summary>
    /// How many old replicas a rolling update may remove right now (reconcileOldReplicaSets' maxScaledDown): total pods
    /// minus the minimum that must stay available minus the new ReplicaSet's pods that are not available yet.
    /// </summary>
    public static int MaxScaledDown(int allReplicaSetsReplicas, int replicas, int maxUnavailable, int newReplicaSetReplicas, int newReplicaSetAvailable) =>
        allReplicaSetsReplicas - (replicas - maxUnavailable) - (newReplicaSetReplicas - newReplicaSetAvailable);

    /// <summary>
    /// getReplicaSetFraction: a ReplicaSet's share of a proportional scale, from the max-replicas annotation it was last
    /// scaled for (or the deployment's status.replicas when it has none), rounded half away from zero.
    /// </summary>
    public static int ReplicaSetFraction(int rsReplicas, int deploymentReplicas, int maxSurge, int? annotatedMaxReplicas, int statusReplicas)
    {
        if (deploymentReplicas == 0) return -rsReplicas;
        var allowed = deploymentReplicas + maxSurge;
        var annotated = annotatedMaxReplicas ?? statusReplicas;
        if (annotated == 0) return 0;
        var size = (double)rsReplicas * allowed / annotated;
        return (int)Math.Round(size, MidpointRounding.AwayFromZero) - rsReplicas;
    }

    /// <summary>GetProportion: the fraction, capped by what is still left to add (or remove).</summary>
    public static int Proportion(int rsReplicas, int fraction, int toAdd, int added)
    {
        if (rsReplicas == 0 || toAdd == 0 || toAdd == added) return 0;
        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }
}
