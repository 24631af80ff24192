using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;

namespace KubeLab.Simulator.Api.Seed;

/// <summary>
/// The endpoints of <c>default/kubernetes</c>, which no controller writes: the API server's lease endpoint reconciler
/// (pkg/controlplane/reconcilers/lease.go, endpointsadapter.go) keeps an Endpoints object and an EndpointSlice, both named
/// <c>kubernetes</c>, listing every apiserver's advertise address (kind: the control-plane node, 172.18.0.2) on port 6443
/// named https. The Endpoints carry <c>endpointslice.kubernetes.io/skip-mirror: "true"</c> so the mirroring controller leaves
/// them alone; the slice has only the service-name label (no managed-by).
/// </summary>
public static class KubernetesServiceEndpoints
{
    public const string Address = "172.18.0.2";
    public const int Port = 6443;

    public static void Apply(RestStorage storage)
    {
        storage.Create(ResourceRegistry.Types.First(t => t.Group.Length == 0 && t.Kind == "Endpoints"), "default", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "kubernetes", ["labels"] = new JsonObject { ["endpointslice.kubernetes.io/skip-mirror"] = "true" } },
            ["subsets"] = new JsonArray(new JsonObject
            {
                ["addresses"] = new JsonArray(new JsonObject { ["ip"] = Address }),
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = Port, ["protocol"] = "TCP" }),
            }),
        });
        storage.Create(ResourceRegistry.ForKind("EndpointSlice"), "default", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "kubernetes", ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = "kubernetes" } },
            ["addressType"] = "IPv4",
            ["endpoints"] = new JsonArray(new JsonObject
            {
                ["addresses"] = new JsonArray(Address),
                ["conditions"] = new JsonObject { ["ready"] = true },
            }),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = Port, ["protocol"] = "TCP" }),
        });
    }
}
