namespace KubeLab.Simulator.Controllers.ReplicaSet;

/// <summary>
/// Within one sync: whether a label set is selected by the owner's selector, and whether it carries all of the template's labels
/// (fullyLabeledReplicas). Worked out once per distinct label set; the pods of one template share theirs.
/// </summary>
internal sealed class LabelSetMatches(Api.LabelSelector selector, IDictionary<string, string>? templateLabels)
{
    private readonly KeyValuePair<string, string>[] template = templateLabels?.ToArray() ?? [];
    private readonly Dictionary<string, (bool Selected, bool FullyLabeled)> seen = new();
    private string? lastSet;
    private (bool Selected, bool FullyLabeled) last;

    // The common case (the same set as the row before) stays small enough to inline into the per-row pass.
    public (bool Selected, bool FullyLabeled) Of(in ReplicaPodRow row) => ReferenceEquals(row.LabelSet, lastSet) ? last : Lookup(row);

    private (bool Selected, bool FullyLabeled) Lookup(in ReplicaPodRow row)
    {
        if (!seen.TryGetValue(row.LabelSet, out var match))
            seen[row.LabelSet] = match = (selector.Matches(row.Pod.Metadata.Labels), HasAll(row.Pod.Metadata.Labels));
        (lastSet, last) = (row.LabelSet, match);
        return match;
    }

    private bool HasAll(IDictionary<string, string>? labels)
    {
        foreach (var (key, value) in template)
            if (labels is null || !labels.TryGetValue(key, out var v) || v != value) return false;
        return true;
    }
}
