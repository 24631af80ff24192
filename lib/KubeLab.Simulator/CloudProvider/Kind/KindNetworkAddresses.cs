using k8s.Models;

namespace KubeLab.Simulator.CloudProvider.Kind;

/// <summary>
/// The docker network <c>kind</c> as cloud-provider-kind sees it: every load balancer (a Service's) and every Gateway gets its
/// own Envoy container, and Docker's IPAM gives each container the lowest free address after the nodes' (172.18.0.2–4), so
/// the first one gets 172.18.0.5. One instance is shared by the service controller and the gateway controller: an address is
/// never handed out twice.
/// </summary>
public sealed class KindNetworkAddresses
{
    public const string Prefix = "172.18.0.";
    private readonly object gate = new();
    private readonly Dictionary<string, string> assigned = new(StringComparer.Ordinal); // owner ("Service ns/name", "Gateway ns/name") → address

    /// <summary>The owner's address, or the lowest free one (a container that already runs keeps its address).</summary>
    public string Allocate(string owner, IEnumerable<V1Node> nodes)
    {
        lock (gate)
        {
            if (assigned.TryGetValue(owner, out var mine)) return mine;
            var used = nodes.SelectMany(n => n.Status?.Addresses ?? []).Select(a => a.Address).Concat(assigned.Values).ToHashSet(StringComparer.Ordinal);
            for (var i = 2; i < 255; i++)
            {
                var ip = Prefix + i;
                if (used.Contains(ip)) continue;
                assigned[owner] = ip;
                return ip;
            }
            throw new InvalidOperationException("the kind docker network has no free address");
        }
    }

    /// <summary>An address written before (a restarted controller): it stays with its owner unless someone else holds it.</summary>
    public void Claim(string owner, string ip)
    {
        lock (gate)
            if (!assigned.ContainsValue(ip)) assigned[owner] = ip;
    }

    public void Release(string owner)
    {
        lock (gate) assigned.Remove(owner);
    }

    public string? AddressOf(string owner)
    {
        lock (gate) return assigned.GetValueOrDefault(owner);
    }
}
