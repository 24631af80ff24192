using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Tests.Network;

/// <summary>The OpenSSL-like verdicts curl reports for a served chain: trust, validity period, host name.</summary>
public sealed class CertificateCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    internal static X509Certificate2 SelfSigned(string cn, params string[] dnsNames)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var n in dnsNames) san.AddDnsName(n);
        if (dnsNames.Length > 0) request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(Now.AddDays(-1), Now.AddDays(30));
    }

    private static (X509Certificate2 Ca, X509Certificate2 Leaf) CaAndLeaf(string host, DateTimeOffset notAfter)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=course-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var ca = caRequest.CreateSelfSigned(Now.AddDays(-10), Now.AddDays(365));
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        var leaf = request.Create(ca, Now.AddDays(-2), notAfter, [1, 2, 3, 4]);
        return (ca, leaf);
    }

    [Fact]
    public void A_self_signed_certificate_is_trusted_only_when_given_as_ca()
    {
        var cert = SelfSigned("shop.example.com", "shop.example.com");
        var served = new ServedCertificate(cert, []);
        Assert.Equal("self-signed certificate", CertificateCheck.Verify(served, [], Now));
        Assert.Null(CertificateCheck.Verify(served, [cert], Now));
        Assert.Equal("self-signed certificate", CertificateCheck.Verify(served, [SelfSigned("other")], Now));
    }

    [Fact]
    public void A_leaf_from_an_unknown_ca_misses_its_issuer_and_an_expired_one_is_reported()
    {
        var (ca, leaf) = CaAndLeaf("shop.example.com", Now.AddDays(10));
        Assert.Equal("unable to get local issuer certificate", CertificateCheck.Verify(new(leaf, []), [], Now));
        Assert.Equal("self-signed certificate in certificate chain", CertificateCheck.Verify(new(leaf, [ca]), [], Now));
        Assert.Null(CertificateCheck.Verify(new(leaf, []), [ca], Now));
        Assert.Equal("certificate has expired", CertificateCheck.Verify(new(leaf, []), [ca], Now.AddDays(11)));
    }

    [Fact]
    public void Host_names_match_the_sans_with_a_wildcard_for_one_label()
    {
        var cert = SelfSigned("ignored.example.com", "shop.example.com", "*.apps.example.com");
        Assert.Equal("shop.example.com", CertificateCheck.MatchingName(cert, "SHOP.example.com"));
        Assert.Equal("*.apps.example.com", CertificateCheck.MatchingName(cert, "a.apps.example.com"));
        Assert.Null(CertificateCheck.MatchingName(cert, "a.b.apps.example.com"));
        Assert.Null(CertificateCheck.MatchingName(cert, "ignored.example.com")); // the CN is not looked at when SANs exist
        Assert.Null(CertificateCheck.MatchingName(cert, "apps.example.com"));
    }

    [Fact]
    public void Names_and_dates_print_as_curl_shows_them()
    {
        var cert = SelfSigned("shop.example.com", "shop.example.com");
        Assert.Equal("CN=shop.example.com", CertificateCheck.OneLine(cert.SubjectName));
        Assert.Equal("Dec  3 09:05:07 2026 GMT", CertificateCheck.Asn1Time(new DateTime(2026, 12, 3, 9, 5, 7, DateTimeKind.Utc)));
        var pem = cert.ExportCertificatePem() + "\n" + SelfSigned("second").ExportCertificatePem();
        var served = ServedCertificate.FromPem(pem);
        Assert.NotNull(served);
        Assert.Equal(cert.Thumbprint, served.Leaf.Thumbprint);
        Assert.Single(served.Intermediates);
        Assert.Null(ServedCertificate.FromPem("not a certificate"));
    }
}
