using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Tests.Api.Storage;

/// <summary>
/// The store keeps older history entries as JSON (issue 7). A watch that resumes from an old resourceVersion must still replay
/// exactly the events a live watch saw: same order, types, versions and objects, including the object before each change.
/// </summary>
public class WatchHistoryCompactionTests
{
    private static readonly ResourceType ConfigMaps = ResourceRegistry.Find("", "v1", "configmaps")!;
    private static readonly ResourceType Secrets = ResourceRegistry.Find("", "v1", "secrets")!;

    private static JsonObject ConfigMap(string name, int i) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "ns", ["labels"] = new JsonObject { ["gen"] = $"{i % 3}" } },
        ["data"] = new JsonObject { ["text"] = $"ünïcødé <&> \"{i}\" 日本語", ["n"] = $"{i}" },
        ["spec"] = new JsonObject { ["count"] = i, ["ratio"] = i / 7.0, ["on"] = i % 2 == 0, ["none"] = null, ["list"] = new JsonArray(1, "two", 3.5) },
    };

    /// <summary>Enough writes that most of the history has left the live window: creates, updates, deletes, another type.</summary>
    private static void Churn(ObjectStore store, int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            var name = $"cm-{i % 97}";
            if (store.GetReadOnly(ConfigMaps, "ns", name) is null) store.Create(ConfigMaps, ConfigMap(name, i));
            else if (i % 11 == 0) store.Delete(ConfigMaps, "ns", name);
            else store.Update(ConfigMaps, ConfigMap(name, i), null);
            if (i % 5 == 0) store.Create(Secrets, ConfigMap($"s-{i}", i));
        }
    }

    private static List<WatchEvent> Drain(System.Threading.Channels.Channel<WatchEvent> ch)
    {
        var all = new List<WatchEvent>();
        while (ch.Reader.TryRead(out var ev)) all.Add(ev);
        return all;
    }

    [Fact]
    public void A_watch_from_an_old_resourceVersion_replays_exactly_what_a_live_watch_saw()
    {
        var store = new ObjectStore();
        var from = store.CurrentResourceVersion;
        var live = store.Watch(from, out _, ConfigMaps)!;
        Churn(store, 3 * WatchHistory.LiveWindow);

        var seen = Drain(live);
        var replayed = Drain(store.Watch(from, out _, ConfigMaps)!);

        Assert.True(seen.Count > 2 * WatchHistory.LiveWindow);
        Assert.Equal(seen.Count, replayed.Count);
        for (var i = 0; i < seen.Count; i++)
        {
            Assert.Equal(seen[i].ResourceVersion, replayed[i].ResourceVersion);
            Assert.Equal(seen[i].Type, replayed[i].Type);
            Assert.Equal(seen[i].Resource, replayed[i].Resource);
            Assert.Equal(seen[i].Object.ToJsonString(), replayed[i].Object.ToJsonString());
            Assert.Equal(seen[i].Previous?.ToJsonString(), replayed[i].Previous?.ToJsonString());
        }
        // The oldest events were rebuilt from JSON (a superseded version is no longer the shared tree) ...
        Assert.NotSame(seen[0].Object, replayed[0].Object);
        // ... and their values read back as the originals did.
        Assert.Equal(seen[0].Object["spec"]!["count"]!.GetValue<int>(), replayed[0].Object["spec"]!["count"]!.GetValue<int>());
        Assert.Equal(seen[0].Object["spec"]!["on"]!.GetValue<bool>(), replayed[0].Object["spec"]!["on"]!.GetValue<bool>());
        Assert.Equal(seen[0].Object["data"]!["text"]!.GetValue<string>(), replayed[0].Object["data"]!["text"]!.GetValue<string>());
        // The newest events are still the shared objects.
        Assert.Same(seen[^1].Object, replayed[^1].Object);
    }

    [Fact]
    public void A_filtered_replay_sees_the_object_before_each_change()
    {
        var store = new ObjectStore();
        var from = store.CurrentResourceVersion;
        Churn(store, 3 * WatchHistory.LiveWindow);

        // A label-selector watch needs Previous to turn "left the selector" into DELETED; the filter must see both sides.
        static bool GenZero(JsonObject? o) => o?.Meta()["labels"]?["gen"]?.GetValue<string>() == "0";
        var replayed = Drain(store.Watch(from, out _, ConfigMaps, ev => GenZero(ev.Object) || GenZero(ev.Previous))!);

        var left = replayed.Where(ev => ev.Type == "MODIFIED" && GenZero(ev.Previous) && !GenZero(ev.Object)).ToList();
        Assert.NotEmpty(left);
        Assert.All(replayed, ev => Assert.True(GenZero(ev.Object) || GenZero(ev.Previous)));
        Assert.All(left, ev => Assert.Equal(ev.Object.Name(), ev.Previous!.Name()));
    }

    [Fact]
    public void Resuming_past_the_history_is_still_expired_and_the_oldest_version_moves_with_the_ring()
    {
        var store = new ObjectStore(historyCapacity: 2_000);
        var from = store.CurrentResourceVersion;
        Churn(store, 3 * WatchHistory.LiveWindow);

        Assert.Null(store.Watch(from, out var oldest, ConfigMaps));
        Assert.Equal(store.CurrentResourceVersion - 2_000, oldest);
        var fromOldest = Drain(store.Watch(oldest, out _)!);
        Assert.Equal(2_000, fromOldest.Count);
        Assert.Equal(Enumerable.Range(0, 2_000).Select(i => oldest + 1 + i), fromOldest.Select(e => e.ResourceVersion));
    }

    [Fact]
    public void A_superseded_pod_version_is_kept_in_about_half_its_json_or_less()
    {
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = "web-5d4f8b7c9-x2k8p", ["namespace"] = "shop", ["uid"] = Guid.NewGuid().ToString(), ["labels"] = new JsonObject { ["app"] = "web", ["pod-template-hash"] = "5d4f8b7c9" } },
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject { ["name"] = "web", ["image"] = "nginx:1.27.0", ["imagePullPolicy"] = "IfNotPresent", ["terminationMessagePath"] = "/dev/termination-log", ["terminationMessagePolicy"] = "File",
                    ["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "kube-api-access-x2k8p", ["mountPath"] = "/var/run/secrets/kubernetes.io/serviceaccount", ["readOnly"] = true }) }),
                ["tolerations"] = new JsonArray(
                    new JsonObject { ["key"] = "node.kubernetes.io/not-ready", ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 },
                    new JsonObject { ["key"] = "node.kubernetes.io/unreachable", ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 }),
            },
            ["status"] = new JsonObject { ["phase"] = "Running", ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "Initialized", ["status"] = "True", ["lastTransitionTime"] = "2026-12-04T01:00:00Z" },
                new JsonObject { ["type"] = "Ready", ["status"] = "True", ["lastTransitionTime"] = "2026-12-04T01:00:02Z" },
                new JsonObject { ["type"] = "ContainersReady", ["status"] = "True", ["lastTransitionTime"] = "2026-12-04T01:00:02Z" },
                new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastTransitionTime"] = "2026-12-04T01:00:00Z" }) },
        };
        var json = System.Text.Encoding.UTF8.GetBytes(pod.ToJsonString());
        // This small pod (1.1 KB) packs to 584 B at Brotli quality 0 (543 B at quality 1); pods of 3–6 KB to 32–44 % of their JSON.
        Assert.InRange(WatchHistory.Compress(json).Length, 1, json.Length * 3 / 5);
    }

    /// <summary>Objects from empty to past Brotli's 4 MiB window, with escapes, non-ASCII text and numbers.</summary>
    public static TheoryData<string, int> Sizes => new() { { "empty", 0 }, { "configmap", 1 }, { "70 KB", 1_000 }, { "5 MB", 60_000 } };

    private static JsonObject Sized(int entries)
    {
        if (entries == 0) return new JsonObject();
        var obj = ConfigMap("big", entries);
        var data = obj["data"]!.AsObject();
        var rnd = new Random(entries);
        for (var i = 0; i < entries; i++)
            data[$"key-{i}"] = i % 3 == 0 ? Convert.ToBase64String(Enumerable.Range(0, 48).Select(_ => (byte)rnd.Next(256)).ToArray()) : $"line {i}: ünïcødé \"quoted\" <tag> {rnd.NextDouble()}";
        return obj;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void A_compressed_entry_decodes_to_the_same_object(string _, int entries)
    {
        var obj = Sized(entries);
        var json = System.Text.Encoding.UTF8.GetBytes(obj.ToJsonString());
        var packed = WatchHistory.Compress(json);
        Assert.Equal(json.Length, System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(packed));
        Assert.Equal(obj.ToJsonString(), WatchHistory.Decompress(packed).ToJsonString());
    }

    public static TheoryData<string> Corruptions => new() { "truncated", "longer prefix", "shorter prefix", "negative prefix", "no prefix", "garbage", "an array", "not JSON" };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void A_corrupt_entry_fails_with_a_clear_exception(string how)
    {
        var packed = WatchHistory.Compress(System.Text.Encoding.UTF8.GetBytes(Sized(1_000).ToJsonString()));
        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(packed);
        byte[] WithLength(int n) { var copy = (byte[])packed.Clone(); System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(copy, n); return copy; }
        var bad = how switch
        {
            "truncated" => packed[..^1],
            "longer prefix" => WithLength(length + 1),
            "shorter prefix" => WithLength(length - 1),
            "negative prefix" => WithLength(-5),
            "no prefix" => packed[..3],
            "garbage" => [.. packed[..4], .. Enumerable.Repeat((byte)0xFF, packed.Length - 4)],
            "an array" => WatchHistory.Compress("[1,2,3]"u8),
            "not JSON" => WatchHistory.Compress("{\"a\":"u8),
            _ => throw new ArgumentOutOfRangeException(nameof(how)),
        };
        var e = Assert.Throws<InvalidOperationException>(() => WatchHistory.Decompress(bad));
        Assert.Contains("corrupt", e.Message);
    }
}
