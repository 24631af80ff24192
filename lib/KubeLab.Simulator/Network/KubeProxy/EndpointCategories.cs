namespace KubeLab.Simulator.Network.KubeProxy;

/// <summary>
/// pkg/proxy/topology.go CategorizeEndpoints (1.32, without topology hints): the endpoints cluster-wide traffic may use are
/// the ready ones, or — when none is ready — the serving-and-terminating ones (ProxyTerminatingEndpoints, GA 1.28); node-local
/// traffic (a Local policy) uses the same rule restricted to endpoints on that node.
/// </summary>
public static class EndpointCategories
{
    public static IReadOnlyList<ProxyEndpoint> Usable(IReadOnlyList<ProxyEndpoint> endpoints, string? onlyNode = null)
    {
        var ready = new List<ProxyEndpoint>();
        var terminating = new List<ProxyEndpoint>();
        foreach (var e in endpoints)
        {
            if (onlyNode is not null && e.NodeName != onlyNode) continue;
            if (e.Ready) ready.Add(e);
            else if (e.Serving && e.Terminating) terminating.Add(e);
        }
        return ready.Count > 0 ? ready : terminating;
    }
}
