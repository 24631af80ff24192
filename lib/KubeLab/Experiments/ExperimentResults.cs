using System.Globalization;
using k8s.Models;

namespace KubeLab;

/// <summary>Outcome of <see cref="Experiments.SelfHealingAsync"/>: one recovery time per deleted pod.</summary>
public sealed record SelfHealingResult(string ReplicaSetName, IReadOnlyList<TimeSpan> RecoveryTimes, IReadOnlyList<string> DeletedPods,
    IReadOnlyList<string> ReplacementPods, Timeline Timeline) : IHtmlDisplayable
{
    public IReadOnlyList<double> RecoverySeconds => RecoveryTimes.Select(t => t.TotalSeconds).ToList();
    public TimeSpan Mean => RecoveryTimes.Count == 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)RecoveryTimes.Average(t => t.Ticks));

    private IEnumerable<IReadOnlyList<string>> Rows() => RecoveryTimes.Select((t, i) => (IReadOnlyList<string>)
        [(i + 1).ToString(CultureInfo.InvariantCulture), DeletedPods[i], ReplacementPods[i], t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s"]);

    private static readonly string[] Headers = ["ROUND", "DELETED POD", "REPLACEMENT", "RECOVERY"];

    public override string ToString()
        => $"Self-healing of ReplicaSet {ReplicaSetName}: {RecoveryTimes.Count} rounds, mean recovery {Mean.TotalSeconds:0.000}s\n" + Html.TextTable(Headers, Rows());

    public string ToHtml()
        => Html.Table($"Self-healing of ReplicaSet {ReplicaSetName}: mean recovery {Mean.TotalSeconds:0.000} s over {RecoveryTimes.Count} rounds", Headers, Rows());
}

/// <summary>Outcome of <see cref="Experiments.RelabelOutAsync"/>: the released pod and the pod the ReplicaSet created instead.</summary>
public sealed record LabelSurgeryResult(string ReplicaSetName, V1Pod Orphan, V1Pod Replacement, string LabelKey, string NewValue) : IHtmlDisplayable
{
    public bool OrphanHasNoController => Orphan.Metadata.OwnerReferences?.All(o => o.Controller != true) ?? true;

    public override string ToString()
        => $"Relabelled {Orphan.Metadata.Name} ({LabelKey}={NewValue}): it no longer matches ReplicaSet {ReplicaSetName}'s selector, " +
           $"so the ReplicaSet released it (controller ownerReference {(OrphanHasNoController ? "removed" : "still present")}) and created {Replacement.Metadata.Name}.";

    public string ToHtml() => Html.Table("Label surgery", ["POD", "ROLE", "LABELS", "CONTROLLER", "STATUS"],
    [
        [Orphan.Metadata.Name, "orphan (relabelled)", Labels(Orphan), Controller(Orphan), PodStatusText.Status(Orphan)],
        [Replacement.Metadata.Name, "replacement", Labels(Replacement), Controller(Replacement), PodStatusText.Status(Replacement)],
    ]);

    internal static string Labels(V1Pod p) => string.Join(",", (p.Metadata.Labels ?? new Dictionary<string, string>()).Select(kv => $"{kv.Key}={kv.Value}"));
    internal static string Controller(V1Pod p) => p.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } o ? $"{o.Kind}/{o.Name}" : "<none>";
}

/// <summary>Outcome of <see cref="Experiments.AddBarePodAsync"/>: what the ReplicaSet did about a surplus matching pod.</summary>
public sealed record BarePodResult(string ReplicaSetName, string BarePodName, bool BarePodAdopted, bool BarePodDeleted,
    IReadOnlyList<string> DeletedPods, IReadOnlyList<string> RemainingPods, Timeline Timeline) : IHtmlDisplayable
{
    public override string ToString()
        => $"Bare pod {BarePodName} matched ReplicaSet {ReplicaSetName}: adopted={BarePodAdopted}, deleted={BarePodDeleted}. " +
           $"The ReplicaSet deleted: {(DeletedPods.Count == 0 ? "nothing" : string.Join(", ", DeletedPods))}. Remaining: {string.Join(", ", RemainingPods)}.";

    public string ToHtml() => Html.Table($"Bare pod {BarePodName} vs ReplicaSet {ReplicaSetName}", ["POD", "OUTCOME"],
        DeletedPods.Select(p => (IReadOnlyList<string>)[p, p == BarePodName ? "bare pod – deleted by the ReplicaSet" : "deleted by the ReplicaSet (surplus)"])
            .Concat(RemainingPods.Select(p => (IReadOnlyList<string>)[p, p == BarePodName ? "bare pod – adopted, kept" : "kept"])));
}
