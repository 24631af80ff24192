using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Tests.Api.Storage;

/// <summary>The store shares stored objects with its history and watchers: what callers get back must stay private.</summary>
public class ObjectStoreSharingTests
{
    private static readonly ResourceType ConfigMaps = ResourceRegistry.Find("", "v1", "configmaps")!;
    private static readonly ResourceType Secrets = ResourceRegistry.Find("", "v1", "secrets")!;

    private static JsonObject ConfigMap(string name, string value) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "ns" },
        ["data"] = new JsonObject { ["k"] = value },
    };

    [Fact]
    public void A_watch_of_one_type_gets_only_that_type_in_order()
    {
        var store = new ObjectStore();
        var from = store.CurrentResourceVersion;
        var watch = store.Watch(from, out _, ConfigMaps)!;
        store.Create(Secrets, ConfigMap("s", "1"));
        store.Create(ConfigMaps, ConfigMap("a", "1"));
        store.Create(ConfigMaps, ConfigMap("b", "1"));

        var names = new List<string>();
        while (watch.Reader.TryRead(out var ev)) names.Add(ev.Object.Name());
        Assert.Equal(["a", "b"], names);
    }

    [Fact]
    public void Changing_a_returned_object_changes_neither_the_store_nor_a_replayed_watch()
    {
        var store = new ObjectStore();
        var from = store.CurrentResourceVersion;
        var created = store.Create(ConfigMaps, ConfigMap("a", "1"))!;
        created["data"]!["k"] = "changed by the caller";

        Assert.Equal("1", store.Get(ConfigMaps, "ns", "a")!["data"]!["k"]!.GetValue<string>());
        var replay = store.Watch(from, out _, ConfigMaps)!;
        Assert.True(replay.Reader.TryRead(out var ev));
        Assert.Equal("1", ev!.Object["data"]!["k"]!.GetValue<string>());
    }

    [Fact]
    public void A_write_that_only_differs_in_resourceVersion_is_a_no_op_and_any_other_difference_is_not()
    {
        var store = new ObjectStore();
        var created = store.Create(ConfigMaps, ConfigMap("a", "1"))!;
        var rv = created.Meta().Str("resourceVersion");

        var same = store.Update(ConfigMaps, created.CloneObject(), rv);
        Assert.Equal(UpdateOutcome.Unchanged, same.Outcome);

        var labelled = created.CloneObject();
        labelled.Meta()["labels"] = new JsonObject { ["app"] = "x" };
        Assert.Equal(UpdateOutcome.Updated, store.Update(ConfigMaps, labelled, rv).Outcome);
    }
}
