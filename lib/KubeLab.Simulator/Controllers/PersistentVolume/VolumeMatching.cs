using k8s.Models;
using KubeLab.Simulator.Api;
using KubeLab.Simulator.Scheduler;

namespace KubeLab.Simulator.Controllers.PersistentVolume;

/// <summary>
/// pkg/controller/volume/persistentvolume/index.go findBestMatchForClaim / FindMatchingVolume (1.32): volumes are grouped by
/// their access-mode sets; only sets that contain every mode the claim asks for are candidates, the smallest set first
/// (allPossibleMatchingAccessModes), and inside a set the smallest volume that is big enough wins. A volume already pre-bound to
/// the claim (claimRef) is taken at once. Otherwise a volume must be Available, not pre-bound elsewhere, of the claim's class,
/// match its selector, volumeMode and (when the scheduler asks for a node) node affinity.
/// </summary>
public static class VolumeMatching
{
    public static string ClaimClass(V1PersistentVolumeClaim c) =>
        c.Spec?.StorageClassName ?? PersistentVolumeAnnotations.Annotation(c.Metadata.Annotations, PersistentVolumeAnnotations.BetaStorageClass) ?? "";

    public static string VolumeClass(V1PersistentVolume v) =>
        v.Spec?.StorageClassName ?? PersistentVolumeAnnotations.Annotation(v.Metadata.Annotations, PersistentVolumeAnnotations.BetaStorageClass) ?? "";

    /// <summary>IsVolumeBoundToClaim: claimRef names the claim, and its uid (if set) is the claim's.</summary>
    public static bool IsBoundToClaim(V1PersistentVolume v, V1PersistentVolumeClaim c) =>
        v.Spec?.ClaimRef is { } r && r.Name == c.Metadata.Name && r.NamespaceProperty == c.Metadata.NamespaceProperty &&
        (string.IsNullOrEmpty(r.Uid) || r.Uid == c.Metadata.Uid);

    public static decimal Storage(IDictionary<string, ResourceQuantity>? m) =>
        m is not null && m.TryGetValue("storage", out var q) && q is not null ? q.ToDecimal() : 0;

    /// <param name="node">the node the scheduler considers, or null in the PV controller</param>
    /// <param name="delayBinding">the claim's class is WaitForFirstConsumer: without a node only pre-bound volumes match</param>
    public static V1PersistentVolume? FindBestMatch(V1PersistentVolumeClaim claim, IEnumerable<V1PersistentVolume> volumes, bool delayBinding, V1Node? node = null)
    {
        var wanted = (claim.Spec?.AccessModes ?? []).ToHashSet();
        var groups = volumes.GroupBy(v => string.Join(",", (v.Spec?.AccessModes ?? []).Distinct().Order(StringComparer.Ordinal)))
            .Where(g => wanted.All(m => g.First().Spec?.AccessModes?.Contains(m) == true))
            .OrderBy(g => g.First().Spec?.AccessModes?.Distinct().Count() ?? 0);
        foreach (var group in groups)
            if (FindMatchingVolume(claim, group, delayBinding, node) is { } match) return match;
        return null;
    }

    private static V1PersistentVolume? FindMatchingVolume(V1PersistentVolumeClaim claim, IEnumerable<V1PersistentVolume> volumes, bool delayBinding, V1Node? node)
    {
        var requested = Storage(claim.Spec?.Resources?.Requests);
        var requestedClass = ClaimClass(claim);
        V1PersistentVolume? smallest = null;
        foreach (var volume in volumes.OrderBy(v => v.Metadata.Name, StringComparer.Ordinal))
        {
            var size = Storage(volume.Spec?.Capacity);
            if (size < requested) continue;
            if ((volume.Spec?.VolumeMode ?? "Filesystem") != (claim.Spec?.VolumeMode ?? "Filesystem")) continue;
            if (volume.Metadata.DeletionTimestamp is not null) continue;
            var affinityValid = node is null || NodeAffinityAllows(volume, node);
            if (IsBoundToClaim(volume, claim)) return affinityValid ? volume : null;
            if (node is null && delayBinding) continue; // the scheduler binds these
            if (volume.Status?.Phase != "Available" || volume.Spec?.ClaimRef is not null) continue;
            if (claim.Spec?.Selector is { } selector && !SelectorMatches(selector, volume.Metadata.Labels)) continue;
            if (VolumeClass(volume) != requestedClass) continue;
            if (!affinityValid) continue;
            if (smallest is null || Storage(smallest.Spec?.Capacity) > size) smallest = volume;
        }
        return smallest;
    }

    /// <summary>checkVolumeSatisfyClaim: why a volume the claim names in spec.volumeName cannot serve it, or null.</summary>
    public static string? Unsatisfied(V1PersistentVolume volume, V1PersistentVolumeClaim claim)
    {
        if (Storage(volume.Spec?.Capacity) < Storage(claim.Spec?.Resources?.Requests)) return "requested PV is too small";
        if (VolumeClass(volume) != ClaimClass(claim)) return "storageClassName does not match";
        if ((volume.Spec?.VolumeMode ?? "Filesystem") != (claim.Spec?.VolumeMode ?? "Filesystem")) return "incompatible volumeMode";
        if (!(claim.Spec?.AccessModes ?? []).All(m => volume.Spec?.AccessModes?.Contains(m) == true)) return "incompatible accessMode";
        return null;
    }

    public static bool NodeAffinityAllows(V1PersistentVolume volume, V1Node node)
    {
        if (volume.Spec?.NodeAffinity?.Required is not { } required) return true;
        return SchedulingDecision.MatchesRequiredNodeAffinity(new V1NodeAffinity { RequiredDuringSchedulingIgnoredDuringExecution = required },
            node.Metadata.Labels ?? new Dictionary<string, string>(), node.Metadata.Name);
    }

    private static bool SelectorMatches(V1LabelSelector selector, IDictionary<string, string>? labels) =>
        LabelSelector.FromV1(selector).Matches(labels ?? new Dictionary<string, string>());
}
