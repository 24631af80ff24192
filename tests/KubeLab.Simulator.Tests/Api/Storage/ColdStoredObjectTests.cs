using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Tests.Api.Storage;

/// <summary>
/// Stored versions outside the hot set keep only their JSON (issue 7: 10,000 pods held ~230 MB of trees). Whatever is cold must
/// read back exactly as written, take part in no-op detection and conflicts, and keep the metadata whole-store scans use.
/// </summary>
public class ColdStoredObjectTests
{
    private static readonly ResourceType ConfigMaps = ResourceRegistry.Find("", "v1", "configmaps")!;

    private static JsonObject ConfigMap(string name, string value, string? ownerUid = null)
    {
        var meta = new JsonObject { ["name"] = name, ["namespace"] = "ns", ["uid"] = $"uid-{name}" };
        if (ownerUid is not null)
            meta["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = "owner", ["uid"] = ownerUid });
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = meta,
            ["data"] = new JsonObject { ["text"] = value, ["quote"] = "\"<&>\" ünï 日本", ["n"] = "1" },
        };
    }

    /// <summary>Creates <paramref name="name"/>, then enough other objects that it leaves the hot set.</summary>
    private static JsonObject CreateThenPushOut(ObjectStore store, JsonObject obj)
    {
        var created = store.Create(ConfigMaps, obj)!;
        for (var i = 0; i < 2 * HotSet.Capacity; i++) store.Create(ConfigMaps, ConfigMap($"filler-{i}", $"{i}"));
        return created;
    }

    [Fact]
    public void A_cold_object_reads_back_exactly_as_written_and_a_read_makes_it_hot_again()
    {
        var store = new ObjectStore();
        var created = CreateThenPushOut(store, ConfigMap("first", "hello"));

        Assert.False(store.Find(ConfigMaps, "ns", "first")!.IsHot);
        Assert.Equal(created.ToJsonString(), store.Get(ConfigMaps, "ns", "first")!.ToJsonString());
        Assert.Equal(created.ToJsonString(), store.List(ConfigMaps, "ns").Items.Single(o => o.Name() == "first").ToJsonString());
        Assert.False(store.Find(ConfigMaps, "ns", "first")!.IsHot); // a plain read or list does not keep the tree

        var shared = store.GetReadOnly(ConfigMaps, "ns", "first")!;
        Assert.Equal(created.ToJsonString(), shared.ToJsonString());
        Assert.True(store.Find(ConfigMaps, "ns", "first")!.IsHot);
        Assert.Same(shared, store.GetReadOnly(ConfigMaps, "ns", "first"));
    }

    [Fact]
    public void Writing_a_cold_object_keeps_no_op_detection_conflicts_and_the_previous_version()
    {
        var store = new ObjectStore();
        var created = CreateThenPushOut(store, ConfigMap("first", "hello"));
        var rv = created.Meta().Str("resourceVersion");

        var same = store.Update(ConfigMaps, ConfigMap("first", "hello"), rv);
        Assert.Equal(UpdateOutcome.Unchanged, same.Outcome);
        Assert.Equal(rv, same.Object!.Meta().Str("resourceVersion"));

        Assert.Equal(UpdateOutcome.Conflict, store.Update(ConfigMaps, ConfigMap("first", "changed"), "1").Outcome);

        // Push it out again, then change it: the event carries the cold version as Previous.
        for (var i = 0; i < 2 * HotSet.Capacity; i++) store.Update(ConfigMaps, ConfigMap($"filler-{i}", $"again {i}"), null);
        Assert.False(store.Find(ConfigMaps, "ns", "first")!.IsHot);
        var watch = store.Watch(store.CurrentResourceVersion, out _, ConfigMaps)!;
        var changed = store.Update(ConfigMaps, ConfigMap("first", "changed"), rv);
        Assert.Equal(UpdateOutcome.Updated, changed.Outcome);
        Assert.True(watch.Reader.TryRead(out var ev));
        Assert.Equal("hello", ev!.Previous!["data"]!["text"]!.GetValue<string>());
        Assert.Equal("changed", ev.Object["data"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Whole_store_scans_see_uids_owners_and_deletion_without_the_tree()
    {
        var store = new ObjectStore();
        var deleting = ConfigMap("owner", "x");
        deleting.Meta()["deletionTimestamp"] = "2026-12-04T00:00:00Z";
        store.Create(ConfigMaps, deleting);
        CreateThenPushOut(store, ConfigMap("dependent", "y", ownerUid: "uid-owner"));

        var owner = store.FindByUid("uid-owner")!;
        var dependent = store.AllStored().Single(s => s.Name == "dependent");
        Assert.False(owner.IsHot);
        Assert.True(owner.IsDeleting);
        Assert.Equal(["uid-owner"], dependent.OwnerUids);
        Assert.Equal(("ns", "uid-dependent"), (dependent.Namespace, dependent.Uid));
        Assert.False(store.AllStored().Single(s => s.Name == "filler-0").IsDeleting);
        Assert.Equal("y", dependent.Object["data"]!["text"]!.GetValue<string>());
    }
}
