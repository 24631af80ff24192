using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.CustomResources;

/// <summary>
/// The custom resources one API server serves, rebuilt from the stored CRDs whenever one changes (apiextensions-apiserver's
/// crdHandler reacts to its CRD informer the same way). A version is served once the CRD is Established and the version has
/// <c>served: true</c>; it stays served while the CRD is Terminating, until the CRD is gone.
/// </summary>
public sealed class CustomResourceTypes
{
    private static readonly ConditionalWeakTable<ObjectStore, CustomResourceTypes> PerStore = new();

    private readonly ObjectStore store;
    private readonly object gate = new();
    // One storage bucket per CRD uid: objects keep their place in the store while the CRD's schema or names change.
    private readonly Dictionary<string, ResourceType> storageKeys = new(StringComparer.Ordinal);
    // The types built from each CRD, reused while its spec and serving state are unchanged, so a status-only write (conditions)
    // keeps the same ResourceType instances (continue tokens of paged lists are keyed by them).
    private readonly Dictionary<string, (string State, List<ResourceType> Types)> built = new(StringComparer.Ordinal);
    private volatile IReadOnlyList<ResourceType> served = [];

    private CustomResourceTypes(ObjectStore store)
    {
        this.store = store;
        store.Changed += ev =>
        {
            if (ev.Resource == ResourceRegistry.CustomResourceDefinitions) Rebuild();
        };
        Rebuild();
    }

    /// <summary>The registry of the API server that owns <paramref name="store"/>.</summary>
    public static CustomResourceTypes For(ObjectStore store) => PerStore.GetValue(store, s => new CustomResourceTypes(s));

    /// <summary>Every served version of every established CRD, versions of a group in discovery order (highest priority first).</summary>
    public IReadOnlyList<ResourceType> Served => served;

    public ResourceType? Find(string group, string version, string plural)
    {
        foreach (var t in served)
            if (t.Plural == plural && t.Version == version && t.Group == group) return t;
        return null;
    }

    /// <summary>The storage key of a CRD's objects (null once the CRD is gone).</summary>
    public ResourceType? StorageKeyOf(JsonObject crd)
    {
        lock (gate) return storageKeys.GetValueOrDefault(crd.Uid() ?? "");
    }

    private void Rebuild()
    {
        // Runs under the store's lock when raised by a change (re-entrant), so it reads the store directly.
        lock (gate)
        {
            var crds = store.List(ResourceRegistry.CustomResourceDefinitions, null).Items;
            var live = new HashSet<string>(StringComparer.Ordinal);
            var types = new List<ResourceType>();
            foreach (var crd in crds)
            {
                var uid = crd.Uid() ?? "";
                live.Add(uid);
                if (!storageKeys.TryGetValue(uid, out var key))
                {
                    var spec = crd["spec"] as JsonObject;
                    key = new ResourceType(spec.Str("group") ?? "", "", spec?.Path("names.kind")?.ToString() ?? "",
                        spec?.Path("names.plural")?.ToString() ?? "", spec.Str("scope") != "Cluster", [], []);
                    storageKeys[uid] = key;
                }
                var specJson = crd["spec"]?.ToJsonString() ?? "";
                var state = $"{CrdConditions.IsTrue(crd, "Established")}/{CrdConditions.IsTrue(crd, "Terminating")}/{crd.Path("status.acceptedNames")?.ToJsonString()}/{specJson}";
                if (!built.TryGetValue(uid, out var cached) || cached.State != state)
                {
                    var hash = Server.OpenApi.Hash(specJson)[..16];
                    built[uid] = cached = (state, CustomResourceBuilder.ServedVersions(crd, key, hash).ToList());
                }
                types.AddRange(cached.Types);
            }
            foreach (var gone in storageKeys.Keys.Where(k => !live.Contains(k)).ToList())
            {
                storageKeys.Remove(gone);
                built.Remove(gone);
            }
            served = types;
        }
    }
}
