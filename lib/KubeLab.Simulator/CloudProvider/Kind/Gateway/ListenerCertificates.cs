using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.CloudProvider.Kind.Gateway;

/// <summary>
/// The certificates of one HTTPS port of the Envoy (the DownstreamTlsContext cloud-provider-kind builds from the listeners'
/// certificateRefs): for the client's SNI the first certificate whose SANs match it, else the first one – Envoy's certificate
/// selection ("if no certificate matches the SNI, the first certificate is used").
/// </summary>
public sealed class ListenerCertificates : ITlsServer
{
    private volatile IReadOnlyList<ServedCertificate> certificates = [];

    public IReadOnlyList<ServedCertificate> Certificates { get => certificates; set => certificates = value; }

    public ServedCertificate SelectCertificate(string? serverName)
    {
        var all = certificates;
        if (serverName is not null)
            foreach (var c in all)
                if (CertificateCheck.MatchingName(c.Leaf, serverName) is not null) return c;
        return all[0];
    }
}
