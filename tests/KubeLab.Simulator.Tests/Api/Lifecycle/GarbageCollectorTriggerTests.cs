using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Lifecycle;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Tests.Api.Lifecycle;

/// <summary>
/// The garbage collector passes only when a change can have unsettled an object (it no longer rescans an idle store every
/// second): these changes must still reach it.
/// </summary>
public class GarbageCollectorTriggerTests
{
    private static readonly ResourceType ConfigMaps = ResourceRegistry.Find("", "v1", "configmaps")!;

    private static JsonObject ConfigMap(string name, string? ownerUid = null)
    {
        var meta = new JsonObject { ["name"] = name, ["namespace"] = "ns", ["uid"] = Guid.NewGuid().ToString() };
        if (ownerUid is not null)
            meta["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = "owner", ["uid"] = ownerUid });
        return new JsonObject { ["metadata"] = meta, ["data"] = new JsonObject { ["k"] = "v" } };
    }

    private static async Task<bool> GoneWithin(ObjectStore store, string name, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (store.Get(ConfigMaps, "ns", name) is null) return true;
            await Task.Delay(50);
        }
        return false;
    }

    [Fact]
    public void The_uid_index_follows_create_update_and_delete()
    {
        var store = new ObjectStore();
        var created = store.Create(ConfigMaps, ConfigMap("a"))!;
        var uid = created.Uid()!;
        Assert.Equal("a", store.ByUidReadOnly(uid)?.Name());
        Assert.True(store.ExistsUid(uid));

        created["data"]!["k"] = "changed";
        store.Update(ConfigMaps, created, null);
        Assert.Equal("changed", store.ByUidReadOnly(uid)?["data"]?["k"]?.GetValue<string>());

        store.Delete(ConfigMaps, "ns", "a");
        Assert.Null(store.ByUidReadOnly(uid));
        Assert.False(store.ExistsUid(uid));
    }

    [Fact]
    public async Task A_dependent_created_later_with_an_absent_owner_is_collected()
    {
        var store = new ObjectStore();
        await using var gc = new GarbageCollector(new RestStorage(store, TimeProvider.System));
        store.Create(ConfigMaps, ConfigMap("unrelated"));
        await Task.Delay(1500); // the first passes have run and found nothing to do: the collector is idle now
        store.Create(ConfigMaps, ConfigMap("orphan", ownerUid: Guid.NewGuid().ToString()));
        Assert.True(await GoneWithin(store, "orphan", TimeSpan.FromSeconds(10)), "the dependent of an owner that never existed was not collected");
        Assert.NotNull(store.Get(ConfigMaps, "ns", "unrelated"));
    }

    [Fact]
    public async Task Deleting_an_owner_of_an_idle_store_collects_its_dependent()
    {
        var store = new ObjectStore();
        await using var gc = new GarbageCollector(new RestStorage(store, TimeProvider.System));
        var owner = store.Create(ConfigMaps, ConfigMap("owner"))!;
        store.Create(ConfigMaps, ConfigMap("dependent", ownerUid: owner.Uid()));
        await Task.Delay(1500);
        Assert.NotNull(store.Get(ConfigMaps, "ns", "dependent"));
        store.Delete(ConfigMaps, "ns", "owner");
        Assert.True(await GoneWithin(store, "dependent", TimeSpan.FromSeconds(10)), "the dependent outlived its owner");
    }
}
