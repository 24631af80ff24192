using System.Text.Json.Nodes;
using System.Threading.Channels;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Api.Storage;

/// <summary>
/// The store's live watches, indexed the way the watch cache dispatches: an event goes only to the watches of its resource type,
/// and a pod event only to the pod watches whose field selector requires its <c>spec.nodeName</c> (before or after the change) –
/// the cacher's trigger index (<c>pkg/registry/core/pod/strategy.go</c> NodeNameTriggerFunc). Without it every pod event asked each
/// of 100 kubelets' watches whether it concerned them, under the store's lock. Every member runs under the store's lock.
/// </summary>
internal sealed class WatcherIndex
{
    private sealed record Watcher(Channel<WatchEvent> Channel, Func<WatchEvent, bool>? Filter, Action Remove);

    private readonly List<Watcher> allTypes = [];
    private readonly Dictionary<ResourceType, List<Watcher>> byType = new();
    private readonly Dictionary<string, List<Watcher>> podsByNode = new(StringComparer.Ordinal);
    private readonly Dictionary<Channel<WatchEvent>, Watcher> byChannel = new();

    /// <param name="type">The storage type watched; null for every type.</param>
    /// <param name="podNodeName">For a pod watch, the spec.nodeName its field selector requires (null when it requires none).</param>
    public void Add(Channel<WatchEvent> channel, ResourceType? type, Func<WatchEvent, bool>? filter, string? podNodeName)
    {
        var list = type is null ? allTypes
            : podNodeName is not null && IsPods(type) ? Bucket(podsByNode, podNodeName)
            : Bucket(byType, type);
        Watcher? watcher = null;
        watcher = new Watcher(channel, filter, () => list.Remove(watcher!));
        list.Add(watcher);
        byChannel[channel] = watcher;
    }

    public void Remove(Channel<WatchEvent> channel)
    {
        if (byChannel.Remove(channel, out var watcher)) watcher.Remove();
    }

    public void Notify(WatchEvent ev)
    {
        Offer(allTypes, ev);
        if (byType.TryGetValue(ev.Resource, out var ofType)) Offer(ofType, ev);
        if (podsByNode.Count == 0 || !IsPods(ev.Resource)) return;
        // An unscheduled pod has no node name: the scheduler's watch (spec.nodeName=) is indexed under "".
        var now = NodeName(ev.Object);
        var before = ev.Previous is null ? now : NodeName(ev.Previous);
        if (podsByNode.TryGetValue(now, out var onNode)) Offer(onNode, ev);
        if (before != now && podsByNode.TryGetValue(before, out var onNodeBefore)) Offer(onNodeBefore, ev);
    }

    /// <summary>A watcher's filter says whether an event may concern it (a cheap superset test); a failing filter lets it through.</summary>
    public static bool Passes(Func<WatchEvent, bool>? filter, WatchEvent ev)
    {
        if (filter is null) return true;
        try { return filter(ev); }
        catch (Exception) { return true; }
    }

    private static void Offer(List<Watcher> watchers, WatchEvent ev)
    {
        foreach (var w in watchers)
            if (Passes(w.Filter, ev)) w.Channel.Writer.TryWrite(ev);
    }

    private static bool IsPods(ResourceType t) => t.Kind == "Pod" && t.Group == "";

    private static string NodeName(JsonObject pod) => pod["spec"]?["nodeName"] is JsonValue v && v.TryGetValue<string>(out var name) ? name : "";

    private static List<Watcher> Bucket<TKey>(Dictionary<TKey, List<Watcher>> index, TKey key) where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list)) index[key] = list = [];
        return list;
    }
}
