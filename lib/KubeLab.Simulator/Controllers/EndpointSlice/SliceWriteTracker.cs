using System.Collections.Concurrent;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.EndpointSlice;

/// <summary>
/// k8s.io/endpointslice EndpointSliceTracker: the slices a controller wrote per Service (name → resourceVersion, null when
/// deleted), so that a sync waits while the informer cache does not show them yet instead of adding a slice twice. A write
/// the cache never shows (someone else deleted the slice) stops counting after <see cref="Patience"/>.
/// </summary>
public sealed class SliceWriteTracker(Informer<V1EndpointSlice, V1EndpointSliceList> slices, TimeProvider time)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, (string? Rv, DateTimeOffset At)>> written = new();

    public void Wrote(string serviceKey, string sliceName, string? resourceVersion) =>
        written.GetOrAdd(serviceKey, _ => new())[sliceName] = (resourceVersion, time.GetUtcNow());

    public void Forget(string serviceKey) => written.TryRemove(serviceKey, out _);

    /// <summary>Whether the cache still lags behind this controller's last writes for the Service.</summary>
    public bool Stale(string serviceKey)
    {
        if (!written.TryGetValue(serviceKey, out var track)) return false;
        var ns = serviceKey.Split('/')[0];
        foreach (var (name, (rv, at)) in track)
        {
            var cached = slices.Get(Informer<V1EndpointSlice, V1EndpointSliceList>.KeyOf(ns, name));
            var seen = rv is null ? cached is null : cached is not null && Newer(cached.Metadata.ResourceVersion, rv);
            if (!seen && time.GetUtcNow() - at < Patience) return true;
            track.TryRemove(name, out _);
        }
        return false;
    }

    private static bool Newer(string? have, string want) =>
        long.TryParse(have, out var h) && long.TryParse(want, out var w) ? h >= w : have == want;
}
