using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Tests.ControllerRuntime;

/// <summary>
/// The informers' watch reader against replayed watch responses: the same request as KubernetesClient's generated
/// Watch…Async, the same typed events, ERROR events to onError (410 → the informer relists), lines split anywhere by the
/// transport, and cancellation closing the response.
/// </summary>
public class WatchStreamReaderTests
{
    /// <summary>A pod as the API server writes it: timestamps, quantities, int-or-string ports, managedFields, status.</summary>
    private static string PodJson(string name, string rv, string phase = "Pending", string annotation = "a") => $$$"""
        {"kind":"Pod","apiVersion":"v1","metadata":{"name":"{{{name}}}","namespace":"ns","uid":"0b6c5f0e-{{{name}}}","resourceVersion":"{{{rv}}}",
        "creationTimestamp":"2024-05-01T10:00:00Z","labels":{"app":"web"},"annotations":{"note":"{{{annotation}}}"},
        "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-1","uid":"u-rs","controller":true,"blockOwnerDeletion":true}],
        "managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1","time":"2024-05-01T10:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:app":{} } } } }]},
        "spec":{"containers":[{"name":"c","image":"nginx:1.27","ports":[{"containerPort":80,"protocol":"TCP"}],
        "resources":{"requests":{"cpu":"100m","memory":"64Mi"}},"readinessProbe":{"httpGet":{"path":"/","port":"http"},"periodSeconds":10}}],
        "nodeName":"kind-worker","terminationGracePeriodSeconds":30,"tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]},
        "status":{"phase":"{{{phase}}}","conditions":[{"type":"Ready","status":"False","lastProbeTime":null,"lastTransitionTime":"2024-05-01T10:00:01.123456Z"}],
        "podIP":"10.244.1.7","startTime":"2024-05-01T10:00:01Z"}}
        """.ReplaceLineEndings("");

    private static string Line(string type, string obj) => $$"""{"type":"{{type}}","object":{{obj}}}""" + "\n";

    private const string Gone = """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 10 (19)","reason":"Expired","code":410}""";

    private static readonly string Stream = string.Concat(
        Line("ADDED", PodJson("a", "11")),
        Line("MODIFIED", PodJson("a", "12", "Running")),
        Line("BOOKMARK", """{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"13","annotations":{"k8s.io/initial-events-end":"true"}}}"""),
        Line("DELETED", PodJson("a", "14", "Running")),
        Line("ERROR", Gone));

    private static async Task<(List<(WatchEventType, string)> Events, List<string> Errors)> Collect(Func<Action<Exception>, IAsyncEnumerable<(WatchEventType, V1Pod)>> watch)
    {
        var errors = new List<string>();
        var events = new List<(WatchEventType, string)>();
        await foreach (var (type, pod) in watch(e => errors.Add(e switch
        {
            KubernetesException k => $"status {k.Status.Code} {k.Status.Reason}: {k.Status.Message}",
            System.Text.Json.JsonException => nameof(System.Text.Json.JsonException),
            _ => e.GetType().Name,
        })))
            events.Add((type, KubernetesJson.Serialize(pod)));
        return (events, errors);
    }

    [Fact]
    public async Task Decodes_every_event_type_as_KubernetesClients_watcher_does()
    {
        var replay = new WatchReplay { Respond = _ => (HttpStatusCode.OK, new ChunkedStream(Stream) { ChunkSizes = [100, 7, 3000] }) };
        using var client = replay.Client();

        var ours = await Collect(onError => InformerWatch.For<V1Pod, V1PodList>(client, "api/v1/pods", 300)("10", onError, CancellationToken.None));
        var theirs = await Collect(onError => client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: "10",
            timeoutSeconds: 300, onError: onError));

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Bookmark, WatchEventType.Deleted], ours.Events.Select(e => e.Item1));
        Assert.Equal(theirs.Events, ours.Events);
        Assert.Equal(theirs.Errors, ours.Errors);
        Assert.Equal("status 410 Expired: too old resource version: 10 (19)", Assert.Single(ours.Errors));
    }

    [Fact]
    public async Task Sends_the_request_the_generated_watch_sends_with_the_clients_credentials()
    {
        var replay = new WatchReplay { Respond = _ => (HttpStatusCode.OK, new ChunkedStream(Line("ADDED", PodJson("a", "43")))) };
        using var client = replay.Client(token: "t0ken");

        await foreach (var _ in InformerWatch.For<V1Pod, V1PodList>(client, "api/v1/pods", 300, fieldSelector: "spec.nodeName=kind-worker")("42", _ => { }, CancellationToken.None)) { }
        await foreach (var _ in client.CoreV1.WatchListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=kind-worker", allowWatchBookmarks: true,
            resourceVersion: "42", timeoutSeconds: 300)) { }

        Assert.Equal(2, replay.Requests.Count);
        var (ours, theirs) = (replay.Requests[0], replay.Requests[1]);
        Assert.Equal("/api/v1/pods?allowWatchBookmarks=true&fieldSelector=spec.nodeName%3Dkind-worker&resourceVersion=42&timeoutSeconds=300&watch=true",
            ours.RequestUri!.PathAndQuery);
        Assert.Equal(theirs.RequestUri, ours.RequestUri);
        Assert.Equal(theirs.Method, ours.Method);
        Assert.Equal("Bearer t0ken", ours.Headers.Authorization?.ToString());
        Assert.Equal(theirs.Headers.ToString(), ours.Headers.ToString());
        Assert.Equal(theirs.Version, ours.Version);
    }

    [Fact]
    public async Task A_line_longer_than_the_buffer_arriving_in_small_reads_decodes_whole()
    {
        var large = new string('x', 3 * Utf8LineReader.DefaultBufferSize) + "é€😀"; // multi-byte characters across read boundaries
        var body = Line("ADDED", PodJson("small", "11")) + Line("MODIFIED", PodJson("big", "12", annotation: large)) + Line("DELETED", PodJson("small", "13"));
        var replay = new WatchReplay { Respond = _ => (HttpStatusCode.OK, new ChunkedStream(body) { ChunkSizes = [1, 4093, 17, 65536] }) };
        using var client = replay.Client();

        var (events, errors) = await Collect(onError => InformerWatch.For<V1Pod, V1PodList>(client, "api/v1/pods", 300)("10", onError, CancellationToken.None));

        Assert.Empty(errors);
        Assert.Equal(["small", "big", "small"], events.Select(e => KubernetesJson.Deserialize<V1Pod>(e.Item2).Metadata.Name));
        Assert.Equal(large, KubernetesJson.Deserialize<V1Pod>(events[1].Item2).Metadata.Annotations["note"]);
    }

    [Fact]
    public async Task A_line_that_does_not_decode_is_reported_and_the_watch_reads_on()
    {
        // A truncated event, then a blank line (skipped, as client-go's framer skips whitespace between objects).
        var body = Line("ADDED", PodJson("a", "11")) + "{\"type\":\"ADDED\",\"object\":{\"metadata\":\n" + "\n" + Line("DELETED", PodJson("a", "12"));
        var replay = new WatchReplay { Respond = _ => (HttpStatusCode.OK, new ChunkedStream(body)) };
        using var client = replay.Client();

        var (events, errors) = await Collect(onError => InformerWatch.For<V1Pod, V1PodList>(client, "api/v1/pods", 300)("10", onError, CancellationToken.None));

        Assert.Equal([WatchEventType.Added, WatchEventType.Deleted], events.Select(e => e.Item1));
        Assert.Equal(["JsonException"], errors);
    }

    [Fact]
    public async Task The_object_before_the_type_still_decodes()
    {
        var body = $$"""{"object":{{PodJson("a", "11")}},"type":"MODIFIED"}""" + "\n" + $$"""{"object":{{Gone}},"type":"ERROR"}""";
        var replay = new WatchReplay { Respond = _ => (HttpStatusCode.OK, new ChunkedStream(body)) };
        using var client = replay.Client();

        var (events, errors) = await Collect(onError => InformerWatch.For<V1Pod, V1PodList>(client, "api/v1/pods", 300)("10", onError, CancellationToken.None));

        Assert.Equal([WatchEventType.Modified], events.Select(e => e.Item1));
        Assert.Equal("11", KubernetesJson.Deserialize<V1Pod>(events[0].Item2).Metadata.ResourceVersion);
        Assert.Equal("status 410 Expired: too old resource version: 10 (19)", Assert.Single(errors));
    }

    [Fact]
    public async Task A_refused_request_throws_as_KubernetesClients_calls_do()
    {
        var replay = new WatchReplay { Respond = _ => (HttpStatusCode.Forbidden, new ChunkedStream("""{"kind":"Status","code":403}""")) };
        using var client = replay.Client();

        var e = await Assert.ThrowsAsync<HttpOperationException>(async () =>
        {
            await foreach (var _ in InformerWatch.For<V1Pod, V1PodList>(client, "api/v1/pods", 300)("10", _ => { }, CancellationToken.None)) { }
        });
        Assert.Equal(HttpStatusCode.Forbidden, e.Response.StatusCode);
        Assert.Contains("\"code\":403", e.Response.Content);
    }

    [Fact]
    public async Task Cancelling_ends_the_watch_promptly_and_closes_the_response()
    {
        var body = new ChunkedStream(Line("ADDED", PodJson("a", "11"))) { HangAtEnd = true };
        var replay = new WatchReplay { Respond = _ => (HttpStatusCode.OK, body) };
        using var client = replay.Client();
        using var cts = new CancellationTokenSource();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var watching = Task.Run(async () =>
        {
            await foreach (var _ in InformerWatch.For<V1Pod, V1PodList>(client, "api/v1/pods", 300)("10", _ => { }, cts.Token)) first.TrySetResult();
        });
        await first.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching.WaitAsync(TimeSpan.FromSeconds(5)));
        await body.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(5)); // disposing the response body is what aborts the server's request
    }

    [Fact]
    public async Task An_ERROR_410_makes_the_informer_list_again_and_watch_from_the_new_list()
    {
        var lists = new Queue<V1PodList>([
            new V1PodList { Metadata = new V1ListMeta { ResourceVersion = "10" }, Items = [KubernetesJson.Deserialize<V1Pod>(PodJson("a", "5"))] },
            new V1PodList { Metadata = new V1ListMeta { ResourceVersion = "20" }, Items = [KubernetesJson.Deserialize<V1Pod>(PodJson("b", "18"))] }]);
        var watchedFrom = new List<string>();
        var rewatched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var replay = new WatchReplay
        {
            Respond = request =>
            {
                var rv = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query)["resourceVersion"]!;
                lock (watchedFrom) watchedFrom.Add(rv);
                if (rv == "10") return (HttpStatusCode.OK, new ChunkedStream(Line("ERROR", Gone)));
                rewatched.TrySetResult();
                return (HttpStatusCode.OK, new ChunkedStream([]) { HangAtEnd = true });
            },
        };
        using var client = replay.Client();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var informer = new Informer<V1Pod, V1PodList>("pods", _ => Task.FromResult(lists.Dequeue()),
            InformerWatch.For<V1Pod, V1PodList>(client, "api/v1/pods", 300), TimeProvider.System);

        var run = informer.RunAsync(cts.Token);
        await rewatched.Task.WaitAsync(cts.Token);

        Assert.Equal(["10", "20"], watchedFrom);
        Assert.Empty(lists); // listed twice: the 410 sent the informer back to LIST
        Assert.Equal(["b"], informer.List().Select(p => p.Metadata.Name));
        await cts.CancelAsync();
        await run;
    }
}
