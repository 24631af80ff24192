using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Api;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Metrics;

/// <summary>
/// The <c>metrics.k8s.io/v1beta1</c> API that metrics-server adds through API aggregation: PodMetrics and NodeMetrics,
/// read-only (get, list), computed at request time from the pods and nodes in the store and the usage ledger.
/// </summary>
public sealed class MetricsApi(RestStorage storage, ResourceConsumption consumption)
{
    public const string GroupVersion = "metrics.k8s.io/v1beta1";

    private readonly MetricsScraper scraper = new(consumption);
    private static readonly ResourceType PodType = ResourceRegistry.Types.First(t => t.Group.Length == 0 && t.Kind == "Pod");
    private static readonly ResourceType NodeType = ResourceRegistry.Types.First(t => t.Group.Length == 0 && t.Kind == "Node");

    public ResourceConsumption Consumption => consumption;

    public async Task Serve(HttpContext ctx, string method, RequestInfo info)
    {
        if (method != "GET" || info.Subresource is not null) throw ApiError.MethodNotAllowed();
        if (info.LegacyWatch || HttpIO.Query(ctx, "watch") is "true" or "1") throw ApiError.MethodNotAllowed("watch is not supported by metrics.k8s.io");
        LabelSelector labels;
        try { labels = LabelSelector.Parse(HttpIO.Query(ctx, "labelSelector")); }
        catch (FormatException e) { throw ApiError.BadRequest(e.Message); }

        var scrape = MetricsScraper.LastScrape(storage.Time.GetUtcNow());
        var pods = storage.Store.List(PodType, null).Items;
        consumption.Prune(pods.Select(p => p.Uid() ?? "").ToHashSet(), scrape - TimeSpan.FromMinutes(10));
        var now = storage.Now();

        if (info.Resource.Kind == "PodMetrics")
        {
            var candidates = pods.Where(p => (info.Namespace is null || p.Namespace() == info.Namespace) && (info.Name is null || p.Name() == info.Name));
            var samples = candidates.Where(p => labels.Matches(p.Labels())).Select(ToPod).Select(p => scraper.Sample(p, scrape)).OfType<PodSample>().ToList();
            if (info.Name is not null)
            {
                if (samples.Count == 0) throw new ApiError(404, "NotFound", $"podmetrics.metrics.k8s.io \"{info.Name}\" not found", Details("podmetrics", info.Name));
                await HttpIO.WriteJson(ctx, 200, PodMetrics(samples[0], now));
                return;
            }
            await HttpIO.WriteJson(ctx, 200, List("PodMetricsList", samples.OrderBy(s => s.Pod.Metadata.NamespaceProperty, StringComparer.Ordinal)
                .ThenBy(s => s.Pod.Metadata.Name, StringComparer.Ordinal).Select(s => PodMetrics(s, now))));
            return;
        }

        var nodes = storage.Store.List(NodeType, null).Items.Where(n => (info.Name is null || n.Name() == info.Name) && labels.Matches(n.Labels()))
            .Select(n => KubernetesJson.Deserialize<V1Node>(n.ToJsonString())).ToList();
        var byNode = pods.Select(ToPod).Where(p => p.Spec?.NodeName is not null).ToLookup(p => p.Spec.NodeName);
        var nodeSamples = nodes.Select(n => scraper.Sample(n, byNode[n.Metadata.Name], scrape)).OrderBy(s => s.Node.Metadata.Name, StringComparer.Ordinal).ToList();
        if (info.Name is not null)
        {
            if (nodeSamples.Count == 0) throw new ApiError(404, "NotFound", $"nodemetrics.metrics.k8s.io \"{info.Name}\" not found", Details("nodemetrics", info.Name));
            await HttpIO.WriteJson(ctx, 200, NodeMetrics(nodeSamples[0], now));
            return;
        }
        await HttpIO.WriteJson(ctx, 200, List("NodeMetricsList", nodeSamples.Select(s => NodeMetrics(s, now))));
    }

    private static V1Pod ToPod(JsonObject pod) => KubernetesJson.Deserialize<V1Pod>(pod.ToJsonString());

    private static JsonObject Details(string kind, string name) => new() { ["name"] = name, ["group"] = "metrics.k8s.io", ["kind"] = kind };

    private static JsonObject List(string kind, IEnumerable<JsonObject> items) => new()
    {
        ["kind"] = kind, ["apiVersion"] = GroupVersion, ["metadata"] = new JsonObject(),
        ["items"] = new JsonArray(items.Select(i => (JsonNode?)i).ToArray()),
    };

    private static JsonObject Labels(IDictionary<string, string>? labels)
    {
        var o = new JsonObject();
        foreach (var (k, v) in labels ?? new Dictionary<string, string>()) o[k] = v;
        return o;
    }

    /// <summary>Shaped like metrics-server's answer: metadata (name, namespace, creationTimestamp = now, labels), timestamp, window, containers[].usage.</summary>
    public static JsonObject PodMetrics(PodSample s, string now) => new()
    {
        ["kind"] = "PodMetrics", ["apiVersion"] = GroupVersion,
        ["metadata"] = new JsonObject
        {
            ["name"] = s.Pod.Metadata.Name, ["namespace"] = s.Pod.Metadata.NamespaceProperty, ["creationTimestamp"] = now,
            ["labels"] = Labels(s.Pod.Metadata.Labels),
        },
        ["timestamp"] = ObjectMeta.Timestamp(s.Timestamp),
        ["window"] = ControllerRuntime.GoDuration.Format(s.Window),
        ["containers"] = new JsonArray(s.Containers.Select(c => (JsonNode?)new JsonObject
        {
            ["name"] = c.Name,
            ["usage"] = new JsonObject { ["cpu"] = Quantities.Cpu(c.Millicores), ["memory"] = Quantities.Memory(c.MemoryBytes) },
        }).ToArray()),
    };

    public static JsonObject NodeMetrics(NodeSample s, string now) => new()
    {
        ["kind"] = "NodeMetrics", ["apiVersion"] = GroupVersion,
        ["metadata"] = new JsonObject { ["name"] = s.Node.Metadata.Name, ["creationTimestamp"] = now, ["labels"] = Labels(s.Node.Metadata.Labels) },
        ["timestamp"] = ObjectMeta.Timestamp(s.Timestamp),
        ["window"] = ControllerRuntime.GoDuration.Format(s.Window),
        ["usage"] = new JsonObject { ["cpu"] = Quantities.Cpu(s.Millicores), ["memory"] = Quantities.Memory(s.MemoryBytes) },
    };
}
