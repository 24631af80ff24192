using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;
using KubeLab.Simulator.Kubelet.Server;

namespace KubeLab.Simulator.Api.PodSubresources;

/// <summary>
/// The API server's way to the kubelet of a pod's node (NodeConnectionInfoGetter): the node's InternalIP and port 10250.
/// A node object that does not exist is a 404 for it; a node whose kubelet does not answer is a refused connection.
/// </summary>
internal sealed class KubeletAddress
{
    public const int Port = 10250;
    private static readonly ResourceType NodeType = ResourceRegistry.Types.First(t => t.Group.Length == 0 && t.Kind == "Node");

    private KubeletAddress(IKubeletServer? server, string host)
    {
        Server = server;
        Host = host;
    }

    /// <summary>Null when nothing listens on the node's :10250 (kubelet not running or not registered yet).</summary>
    public IKubeletServer? Server { get; }

    /// <summary>The address the API server dials, e.g. <c>172.18.0.3:10250</c>.</summary>
    public string Host { get; }

    public static KubeletAddress Of(RestStorage storage, DataPlane dataPlane, string nodeName)
    {
        var server = dataPlane.Kubelets.Get(nodeName);
        var node = storage.Store.Get(NodeType, null, nodeName);
        if (node is null && server is null) throw ApiError.NotFound(NodeType, nodeName);
        var ip = (node?.Path("status.addresses") as System.Text.Json.Nodes.JsonArray)?
            .FirstOrDefault(a => a?["type"]?.ToString() == "InternalIP")?["address"]?.ToString() ?? nodeName;
        return new KubeletAddress(server, $"{ip}:{Port}");
    }

    /// <summary>Go's net.Dial text for a port nothing listens on.</summary>
    public string Refused => $"dial tcp {Host}: connect: connection refused";
}
