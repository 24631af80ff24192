using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.CloudProvider.Kind.Gateway;

/// <summary>One HTTPS listener's filter chain: matched on SNI by <see cref="Hostname"/> when set (pkg/gateway/listener.go FilterChainMatch.ServerNames).</summary>
public sealed record FilterChain(string? Hostname, IReadOnlyList<ServedCertificate> Certificates);

/// <summary>
/// The TLS side of one Envoy port: its filter chains, one per HTTPS listener (pkg/gateway/gateway.go). Envoy takes the chain
/// whose server name matches the SNI (exact before wildcard), else the one without server names; none → no chain, and the
/// connection is closed. Inside a chain, the certificate whose SANs match the SNI, else the first one (Envoy's certificate
/// selection).
/// </summary>
public sealed class ListenerCertificates : ITlsServer
{
    private volatile IReadOnlyList<FilterChain> chains = [];

    public IReadOnlyList<FilterChain> Chains { get => chains; set => chains = value; }

    public ServedCertificate? SelectCertificate(string? serverName)
    {
        var all = chains;
        var chain = (serverName is null ? null
                : all.FirstOrDefault(c => c.Hostname is { } h && string.Equals(h, serverName, StringComparison.OrdinalIgnoreCase))
                  ?? all.Where(c => c.Hostname is { } h && h.StartsWith("*.", StringComparison.Ordinal) && CertificateCheck.HostMatches(h, serverName))
                        .OrderByDescending(c => c.Hostname!.Length).FirstOrDefault())
            ?? all.FirstOrDefault(c => c.Hostname is null);
        if (chain is null || chain.Certificates.Count == 0) return null;
        if (serverName is not null)
            foreach (var c in chain.Certificates)
                if (CertificateCheck.MatchingName(c.Leaf, serverName) is not null) return c;
        return chain.Certificates[0];
    }
}
