using k8s;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Tests.ControllerRuntime;

/// <summary>The pod index by controller UID follows adds, ownership changes and deletes (client-go's Indexer).</summary>
public class InformerIndexTests
{
    private static V1Pod Pod(string name, string rv, string? controllerUid) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name, NamespaceProperty = "ns", ResourceVersion = rv,
            OwnerReferences = controllerUid is null ? null : [new V1OwnerReference { Uid = controllerUid, Controller = true, Kind = "ReplicaSet", Name = "rs", ApiVersion = "apps/v1" }],
        },
    };

    [Fact]
    public async Task Pods_are_found_by_their_controller_and_orphans_by_namespace()
    {
        var (informer, events, handled) = FakeInformer.Pods([Pod("a", "1", "rs-1"), Pod("b", "1", null)]);
        informer.AddIndex(PodFacts.ControllerUidIndex, PodFacts.ControllerUidIndexValue);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(cts.Token);
        await handled.WaitAsync(cts.Token);
        await handled.WaitAsync(cts.Token);

        Assert.Equal(["a"], informer.ByIndex(PodFacts.ControllerUidIndex, "rs-1").Select(p => p.Metadata.Name));
        Assert.Equal(["b"], informer.ByIndex(PodFacts.ControllerUidIndex, PodFacts.OrphansOf("ns")).Select(p => p.Metadata.Name));

        await events.WriteAsync((WatchEventType.Modified, Pod("b", "2", "rs-1")), cts.Token); // adopted
        await handled.WaitAsync(cts.Token);
        await events.WriteAsync((WatchEventType.Deleted, Pod("a", "3", "rs-1")), cts.Token);
        await handled.WaitAsync(cts.Token);

        Assert.Equal(["b"], informer.ByIndex(PodFacts.ControllerUidIndex, "rs-1").Select(p => p.Metadata.Name));
        Assert.Empty(informer.ByIndex(PodFacts.ControllerUidIndex, PodFacts.OrphansOf("ns")));
        Assert.Equal(1, informer.IndexCount(PodFacts.ControllerUidIndex, "rs-1"));
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_projection_index_keeps_each_objects_row_current_and_visits_without_copying()
    {
        var (informer, events, handled) = FakeInformer.Pods([Pod("a", "1", "rs-1")]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(cts.Token);
        await handled.WaitAsync(cts.Token);
        // Registered after the cache filled: the existing pod gets its row at once.
        informer.AddIndex("by-controller/rv", PodFacts.ControllerUidIndexValue, p => p.Metadata.ResourceVersion);
        Assert.Equal(["1"], informer.RowsByIndex<string>("by-controller/rv", "rs-1"));

        // Same controller (same index value), new object: the row follows it.
        await events.WriteAsync((WatchEventType.Modified, Pod("a", "2", "rs-1")), cts.Token);
        await handled.WaitAsync(cts.Token);
        var visited = new List<string>();
        informer.VisitIndex<string>("by-controller/rv", "rs-1", visited.Add);
        Assert.Equal(["2"], visited);

        // Released: the row moves to the namespace's orphans.
        await events.WriteAsync((WatchEventType.Modified, Pod("a", "3", null)), cts.Token);
        await handled.WaitAsync(cts.Token);
        Assert.Empty(informer.RowsByIndex<string>("by-controller/rv", "rs-1"));
        Assert.Equal(["3"], informer.RowsByIndex<string>("by-controller/rv", PodFacts.OrphansOf("ns")));
        var wrongType = Assert.Throws<InvalidOperationException>(() => informer.RowsByIndex<int>("by-controller/rv", "rs-1"));
        Assert.Contains("does not keep Int32 rows", wrongType.Message);
        await cts.CancelAsync();
        await run;
    }

    private readonly record struct NameRow(string Name, string Rv);

    /// <summary>Collects what it visits; the count lives in the struct, so it only adds up if VisitIndex hands the visitor back by ref.</summary>
    private struct Collect() : IRowVisitor<NameRow>
    {
        public readonly List<string> Seen = [];
        public int Count;

        public void Visit(in NameRow row)
        {
            Seen.Add($"{row.Name}@{row.Rv}");
            Count++;
        }
    }

    [Fact]
    public async Task Rows_moved_between_buckets_or_removed_are_visited_once_in_their_current_bucket_only()
    {
        var (informer, events, handled) = FakeInformer.Pods([
            Pod("a", "1", "rs-1"), Pod("b", "1", "rs-1"), Pod("c", "1", "rs-1"), Pod("d", "1", "rs-1"),
            Pod("e", "1", "rs-2"), Pod("f", "1", null), Pod("g", "1", null)]);
        informer.AddIndex("by-controller/name", PodFacts.ControllerUidIndexValue, p => new NameRow(p.Metadata.Name, p.Metadata.ResourceVersion));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(cts.Token);
        for (var i = 0; i < 7; i++) await handled.WaitAsync(cts.Token);

        (WatchEventType, V1Pod)[] changes =
        [
            (WatchEventType.Deleted, Pod("a", "2", "rs-1")),  // the first row: the last one moves into its slot
            (WatchEventType.Modified, Pod("b", "2", "rs-2")), // its controller UID changed
            (WatchEventType.Modified, Pod("f", "2", "rs-1")), // adopted
            (WatchEventType.Modified, Pod("c", "2", null)),   // released
            (WatchEventType.Modified, Pod("d", "2", "rs-1")), // same bucket, in the slot it was moved to
            (WatchEventType.Deleted, Pod("g", "2", null)),
        ];
        foreach (var change in changes)
        {
            await events.WriteAsync(change, cts.Token);
            await handled.WaitAsync(cts.Token);
        }

        foreach (var (bucket, expected) in new[]
                 {
                     ("rs-1", new[] { "d@2", "f@2" }), ("rs-2", ["b@2", "e@1"]), (PodFacts.OrphansOf("ns"), ["c@2"]), ("rs-gone", []),
                 })
        {
            var visitor = new Collect();
            informer.VisitIndex<NameRow, Collect>("by-controller/name", bucket, ref visitor);
            var byDelegate = new List<string>();
            informer.VisitIndex<NameRow>("by-controller/name", bucket, r => byDelegate.Add($"{r.Name}@{r.Rv}"));
            var copied = informer.RowsByIndex<NameRow>("by-controller/name", bucket).Select(r => $"{r.Name}@{r.Rv}");

            Assert.Equal(expected, visitor.Seen.Order(StringComparer.Ordinal));
            Assert.Equal(expected.Length, visitor.Count);
            Assert.Equal(visitor.Seen, byDelegate); // the same rows, in the same (storage) order
            Assert.Equal(expected, copied.Order(StringComparer.Ordinal));
            Assert.Equal(expected.Length, informer.IndexCount("by-controller/name", bucket));
        }
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_transform_applies_to_listed_and_watched_objects_before_handlers_see_them()
    {
        static V1Pod WithManagedFields(V1Pod p)
        {
            p.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubelet", Operation = "Update" }];
            return p;
        }
        var (informer, events, _) = FakeInformer.Pods([WithManagedFields(Pod("a", "1", "rs-1"))]);
        informer.SetTransform(Informer<V1Pod, V1PodList>.StripManagedFields);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<V1Pod>();
        var mine = new SemaphoreSlim(0); // this handler runs after the fake's own: wait for it, not for the fake's
        informer.AddHandler(added: p => { seen.Enqueue(p); mine.Release(); }, updated: (_, p) => { seen.Enqueue(p); mine.Release(); });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(cts.Token);
        await mine.WaitAsync(cts.Token);
        await events.WriteAsync((WatchEventType.Modified, WithManagedFields(Pod("a", "2", "rs-1"))), cts.Token);
        await mine.WaitAsync(cts.Token);

        Assert.Equal(["1", "2"], seen.Select(p => p.Metadata.ResourceVersion));
        Assert.All(seen, p => Assert.Null(p.Metadata.ManagedFields));
        Assert.Null(informer.Get("ns/a")!.Metadata.ManagedFields);
        await cts.CancelAsync();
        await run;
    }
}
