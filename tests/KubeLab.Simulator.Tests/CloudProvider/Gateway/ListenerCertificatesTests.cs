using KubeLab.Simulator.CloudProvider.Kind.Gateway;
using KubeLab.Simulator.Network;
using KubeLab.Simulator.Tests.Network;

namespace KubeLab.Simulator.Tests.CloudProvider.Gateway;

/// <summary>Which certificate the Envoy of a Gateway presents for an SNI: filter chain by listener hostname, then certificate by SAN.</summary>
public sealed class ListenerCertificatesTests
{
    private static ServedCertificate Cert(string name) => new(CertificateCheckTests.SelfSigned(name, name), []);

    [Fact]
    public void The_chain_is_picked_by_listener_hostname_and_the_certificate_by_its_names()
    {
        var shop = Cert("shop.example.com");
        var api = Cert("api.example.com");
        var wild = Cert("*.apps.example.com");
        var catchAll = Cert("default.example.com");
        var tls = new ListenerCertificates
        {
            Chains = [new FilterChain("shop.example.com", [shop]), new FilterChain("*.apps.example.com", [wild]), new FilterChain(null, [catchAll, api])],
        };
        Assert.Same(shop, tls.SelectCertificate("shop.example.com"));
        Assert.Same(wild, tls.SelectCertificate("a.apps.example.com"));
        Assert.Same(api, tls.SelectCertificate("api.example.com"));      // the host-less chain, certificate by SAN
        Assert.Same(catchAll, tls.SelectCertificate("www.example.com")); // no SAN matches: the chain's first certificate
        Assert.Same(catchAll, tls.SelectCertificate(null));              // no SNI (an IP literal)
    }

    [Fact]
    public void Without_a_matching_chain_there_is_no_certificate()
    {
        var tls = new ListenerCertificates { Chains = [new FilterChain("shop.example.com", [Cert("shop.example.com")])] };
        Assert.Null(tls.SelectCertificate("www.example.com"));
        Assert.Null(tls.SelectCertificate(null));
    }
}
