using k8s.Models;

namespace KubeLab;

/// <summary>One claim as <c>kubectl get pvc</c> shows it (1.32 columns), plus the node it was provisioned for.</summary>
public sealed record ClaimRow(string Name, string Status, string Volume, string Capacity, string AccessModes, string StorageClass, string Age, string? SelectedNode)
{
    internal static ClaimRow From(V1PersistentVolumeClaim c, DateTimeOffset now)
    {
        var bound = !string.IsNullOrEmpty(c.Spec?.VolumeName);
        return new ClaimRow(c.Metadata.Name, c.Metadata.DeletionTimestamp is not null ? "Terminating" : c.Status?.Phase ?? "",
            c.Spec?.VolumeName ?? "", bound && c.Status?.Capacity?.TryGetValue("storage", out var q) == true ? q.ToString() : "",
            bound ? StorageText.AccessModes(c.Status?.AccessModes) : "", c.Spec?.StorageClassName ?? "",
            global::KubeLab.Age.Since(c.Metadata.CreationTimestamp, now), StorageText.Annotation(c.Metadata.Annotations, "volume.kubernetes.io/selected-node"));
    }
}

/// <summary>One volume as <c>kubectl get pv</c> shows it (1.32 columns), plus its path and the node its affinity names.</summary>
public sealed record VolumeRow(string Name, string Capacity, string AccessModes, string ReclaimPolicy, string Status, string Claim, string StorageClass,
    string Age, string? Path, string? Node)
{
    internal static VolumeRow From(V1PersistentVolume v, DateTimeOffset now) => new(v.Metadata.Name,
        v.Spec?.Capacity?.TryGetValue("storage", out var q) == true ? q.ToString() : "", StorageText.AccessModes(v.Spec?.AccessModes),
        v.Spec?.PersistentVolumeReclaimPolicy ?? "", v.Metadata.DeletionTimestamp is not null ? "Terminating" : v.Status?.Phase ?? "",
        v.Spec?.ClaimRef is { } r ? $"{r.NamespaceProperty}/{r.Name}" : "", v.Spec?.StorageClassName ?? "", global::KubeLab.Age.Since(v.Metadata.CreationTimestamp, now),
        v.Spec?.HostPath?.Path ?? v.Spec?.Local?.Path,
        v.Spec?.NodeAffinity?.Required?.NodeSelectorTerms?.SelectMany(t => t.MatchExpressions ?? [])
            .FirstOrDefault(e => e.Key == "kubernetes.io/hostname")?.Values?.FirstOrDefault());
}

/// <summary>The claims of the lab namespace (<c>kubectl get pvc</c>).</summary>
public sealed class ClaimTable(IReadOnlyList<V1PersistentVolumeClaim> claims, DateTimeOffset now) : IHtmlDisplayable
{
    private static readonly string[] Headers = ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "AGE", "SELECTED NODE"];

    public IReadOnlyList<V1PersistentVolumeClaim> Claims { get; } = claims;
    public IReadOnlyList<ClaimRow> Rows { get; } = claims.OrderBy(c => c.Metadata.Name, StringComparer.Ordinal).Select(c => ClaimRow.From(c, now)).ToList();

    public ClaimRow? this[string name] => Rows.FirstOrDefault(r => r.Name == name);

    private IEnumerable<IReadOnlyList<string>> Cells() => Rows.Select(r => (IReadOnlyList<string>)
        [r.Name, r.Status, r.Volume, r.Capacity, r.AccessModes, r.StorageClass, r.Age, r.SelectedNode ?? "<none>"]);

    public override string ToString() => Rows.Count == 0 ? "No PersistentVolumeClaims in the namespace." : Html.TextTable(Headers, Cells());
    public string ToHtml() => Rows.Count == 0 ? $"<p>{Html.Escape(ToString())}</p>" : Html.Table("PersistentVolumeClaims", Headers, Cells());
}

/// <summary>PersistentVolumes (cluster-scoped: <c>kubectl get pv</c>, filtered to the lab's).</summary>
public sealed class VolumeTable(IReadOnlyList<V1PersistentVolume> volumes, DateTimeOffset now) : IHtmlDisplayable
{
    private static readonly string[] Headers = ["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS", "AGE", "PATH", "NODE"];

    public IReadOnlyList<V1PersistentVolume> Volumes { get; } = volumes;
    public IReadOnlyList<VolumeRow> Rows { get; } = volumes.OrderBy(v => v.Metadata.Name, StringComparer.Ordinal).Select(v => VolumeRow.From(v, now)).ToList();

    public VolumeRow? this[string name] => Rows.FirstOrDefault(r => r.Name == name);

    private IEnumerable<IReadOnlyList<string>> Cells() => Rows.Select(r => (IReadOnlyList<string>)
        [r.Name, r.Capacity, r.AccessModes, r.ReclaimPolicy, r.Status, r.Claim, r.StorageClass, r.Age, r.Path ?? "", r.Node ?? "<any>"]);

    public override string ToString() => Rows.Count == 0 ? "No PersistentVolumes of this lab." : Html.TextTable(Headers, Cells());
    public string ToHtml() => Rows.Count == 0 ? $"<p>{Html.Escape(ToString())}</p>" : Html.Table("PersistentVolumes", Headers, Cells());
}

internal static class StorageText
{
    /// <summary>GetAccessModesAsString: RWO, ROX, RWX, RWOP joined by commas.</summary>
    public static string AccessModes(IEnumerable<string>? modes) => string.Join(",", (modes ?? []).Select(m => m switch
    {
        "ReadWriteOnce" => "RWO", "ReadOnlyMany" => "ROX", "ReadWriteMany" => "RWX", "ReadWriteOncePod" => "RWOP", _ => m,
    }));

    public static string? Annotation(IDictionary<string, string>? a, string key) => a is not null && a.TryGetValue(key, out var v) ? v : null;
}
