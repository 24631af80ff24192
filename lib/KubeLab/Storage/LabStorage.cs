using k8s;
using k8s.Models;
using KubeLab.Observe;

namespace KubeLab;

/// <summary>PersistentVolumeClaims, PersistentVolumes and StorageClasses of the lab (chapter 11).</summary>
public sealed partial class Lab
{
    /// <summary>
    /// The prefix for the PersistentVolumes a lab creates – PVs are cluster-scoped, so naming them after the namespace keeps
    /// re-runs and other chapters apart (e.g. <c>lab-11-persistent-storage-small</c>).
    /// </summary>
    public string VolumePrefix => Namespace + "-";

    /// <summary>The namespace's claims now (<c>kubectl get pvc</c>).</summary>
    public async Task<ClaimTable> ClaimsAsync(CancellationToken ct = default)
    {
        var list = await _client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(Namespace, cancellationToken: ct).ConfigureAwait(false);
        return new ClaimTable(list.Items.ToList(), Clock.GetUtcNow());
    }

    /// <summary>The PersistentVolumes of this lab: bound to its claims or named with <see cref="VolumePrefix"/> (<c>kubectl get pv</c>).</summary>
    public async Task<VolumeTable> VolumesAsync(CancellationToken ct = default)
    {
        var list = await _client.CoreV1.ListPersistentVolumeAsync(cancellationToken: ct).ConfigureAwait(false);
        return new VolumeTable(list.Items.Where(v => v.Spec?.ClaimRef?.NamespaceProperty == Namespace ||
            v.Metadata.Name.StartsWith(VolumePrefix, StringComparison.Ordinal)).ToList(), Clock.GetUtcNow());
    }

    /// <summary>The events of one claim, oldest first, as "Type Reason (from): message" lines (<c>kubectl describe pvc</c>'s Events).</summary>
    public async Task<IReadOnlyList<string>> ClaimEventsAsync(string claim, CancellationToken ct = default)
    {
        var events = await _client.CoreV1.ListNamespacedEventAsync(Namespace,
            fieldSelector: $"involvedObject.kind=PersistentVolumeClaim,involvedObject.name={claim}", cancellationToken: ct).ConfigureAwait(false);
        return events.Items.OrderBy(e => e.LastTimestamp ?? e.EventTime ?? e.Metadata.CreationTimestamp)
            .Select(e => $"{e.Type} {e.Reason} ({e.Source?.Component ?? e.ReportingComponent}): {e.Message}").ToList();
    }

    /// <summary>
    /// Waits (list, then watch the claim) until it is in <paramref name="phase"/> (Bound, Pending, Lost) – or, with phase
    /// "Deleted", gone. A timeout (default 2 min: local-path on kind needs a second or two, a first image pull longer) lists the
    /// claim's events, which say why it is still waiting.
    /// </summary>
    public async Task<V1PersistentVolumeClaim?> WaitForClaimPhaseAsync(string claim, string phase, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(claim);
        return await ListWatch.WithTimeoutAsync(token => ListWatch.UntilAsync<V1PersistentVolumeClaim, V1PersistentVolumeClaimList, V1PersistentVolumeClaim?>(
                (rv, watch, c) => _client.CoreV1.ListNamespacedPersistentVolumeClaimWithHttpMessagesAsync(Namespace, fieldSelector: $"metadata.name={claim}",
                    resourceVersion: rv, watch: watch, cancellationToken: c),
                claims =>
                {
                    var c = claims.FirstOrDefault();
                    return (phase == "Deleted" ? c is null : c?.Status?.Phase == phase && c.Metadata.DeletionTimestamp is null, c);
                }, token),
            timeout ?? TimeSpan.FromMinutes(2), $"PersistentVolumeClaim {claim} to be {phase}",
            async () => $"  Now: {(await ClaimsAsync(ct).ConfigureAwait(false))[claim]?.ToString() ?? "(no such claim)"}\n  Events:\n    " +
                        string.Join("\n    ", await ClaimEventsAsync(claim, ct).ConfigureAwait(false)), ct).ConfigureAwait(false);
    }

    /// <summary>Waits until a PersistentVolume is in <paramref name="phase"/> (Available, Bound, Released, Failed) or, with "Deleted", gone.</summary>
    public async Task<V1PersistentVolume?> WaitForVolumePhaseAsync(string volume, string phase, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(volume);
        return await ListWatch.WithTimeoutAsync(token => ListWatch.UntilAsync<V1PersistentVolume, V1PersistentVolumeList, V1PersistentVolume?>(
                (rv, watch, c) => _client.CoreV1.ListPersistentVolumeWithHttpMessagesAsync(fieldSelector: $"metadata.name={volume}",
                    resourceVersion: rv, watch: watch, cancellationToken: c),
                volumes =>
                {
                    var v = volumes.FirstOrDefault();
                    return (phase == "Deleted" ? v is null : v?.Status?.Phase == phase, v);
                }, token),
            timeout ?? TimeSpan.FromMinutes(2), $"PersistentVolume {volume} to be {phase}",
            async () => $"  Now: {(await VolumesAsync(ct).ConfigureAwait(false))[volume]?.ToString() ?? "(no such volume)"}", ct).ConfigureAwait(false);
    }

    /// <summary>Deletes this lab's PersistentVolumes (cluster-scoped, so the namespace's deletion does not take them).</summary>
    public async Task DeleteLabVolumesAsync(CancellationToken ct = default)
    {
        foreach (var v in (await VolumesAsync(ct).ConfigureAwait(false)).Volumes.Where(v => v.Metadata.Name.StartsWith(VolumePrefix, StringComparison.Ordinal)))
        {
            try { await _client.CoreV1.DeletePersistentVolumeAsync(v.Metadata.Name, cancellationToken: ct).ConfigureAwait(false); }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
        }
    }

    /// <summary>Starts recording claim and volume phases and claim events over time; stop it to plot (<see cref="StorageRecording.ToGantt"/>).</summary>
    public StorageRecording RecordStorage() => StorageRecording.Start(this, VolumePrefix);
}
