using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KubeLab.Simulator.Api.Authentication;

/// <summary>
/// The cluster's own PKI, made fresh at every start like kubeadm's `init phase certs` on a new kind cluster: the cluster CA
/// (<c>CN=kubernetes</c>, /etc/kubernetes/pki/ca.crt), the API server's serving certificate (apiserver.crt with kubeadm's SANs),
/// client certificates signed by the CA (admin.conf's <c>kubernetes-admin</c>, the control-plane components) and the
/// service-account signing key (sa.key, RSA: tokens are RS256).
/// kubeadm 1.32 defaults to RSA-2048 (ClusterConfiguration.encryptionAlgorithm); ECDSA-P256 is one of its supported values and
/// is what the simulator uses for the certificates, since an RSA key costs tens of milliseconds to make and every test class
/// starts a cluster (the service-account key stays RSA-2048).
/// </summary>
public sealed class ClusterPki : IDisposable
{
    private static readonly TimeSpan CaValidity = TimeSpan.FromDays(3650);      // kubeadm: CA 10 years
    private static readonly TimeSpan LeafValidity = TimeSpan.FromDays(365);     // kubeadm: leaf certificates 1 year
    private readonly ECDsa caKey;

    private ClusterPki(ECDsa caKey, X509Certificate2 ca, RSA serviceAccountKey)
    {
        this.caKey = caKey;
        CaCertificate = ca;
        ServiceAccountKey = serviceAccountKey;
        CaPem = ca.ExportCertificatePem() + "\n";
    }

    /// <summary>The cluster CA (no private key): what kubeconfigs, ca.crt files and kube-root-ca.crt carry.</summary>
    public X509Certificate2 CaCertificate { get; }

    /// <summary>The CA certificate in PEM, as in <c>certificate-authority-data</c> and every <c>ca.crt</c>.</summary>
    public string CaPem { get; }

    /// <summary>The service-account token signing key (kube-apiserver --service-account-signing-key-file / sa.key).</summary>
    public RSA ServiceAccountKey { get; }

    public static ClusterPki Create(DateTimeOffset now)
    {
        var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=kubernetes"), caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var (from, to) = Window(now, CaValidity);
        var ca = request.CreateSelfSigned(from, to);
        return new ClusterPki(caKey, X509CertificateLoader.LoadCertificate(ca.RawData), RSA.Create(2048));
    }

    /// <summary>
    /// apiserver.crt: kubeadm's SANs (certs/altnames.go GetAPIServerAltNames: the node name, kubernetes, kubernetes.default,
    /// kubernetes.default.svc, kubernetes.default.svc.cluster.local, the Service IP 10.96.0.1, the advertise address; kind adds
    /// localhost and 127.0.0.1).
    /// </summary>
    public X509Certificate2 IssueServingCertificate(DateTimeOffset now, string nodeName, IEnumerable<IPAddress> extraAddresses)
    {
        var san = new SubjectAlternativeNameBuilder();
        foreach (var dns in DnsNames(nodeName)) san.AddDnsName(dns);
        foreach (var ip in new[] { IPAddress.Parse("10.96.0.1"), IPAddress.Loopback }.Concat(extraAddresses).Distinct())
            san.AddIpAddress(ip);
        return Issue("CN=kube-apiserver", now, serverAuth: true, san.Build());
    }

    private static string[] DnsNames(string nodeName) => [nodeName, "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "localhost"];

    /// <summary>Every name and address in the serving certificate (what a TLS client checks the host it dialled against).</summary>
    public static IReadOnlyList<string> ServingNames(string nodeName, IEnumerable<string> extraAddresses)
        => [.. DnsNames(nodeName), "10.96.0.1", "127.0.0.1", .. extraAddresses];

    /// <summary>A client certificate for the x509 authenticator: CN = user name, one O per group (kubeadm's kubeconfig phase).</summary>
    public X509Certificate2 IssueClientCertificate(string user, IEnumerable<string> groups, DateTimeOffset now)
    {
        var name = new X500DistinguishedNameBuilder();
        // X.500 names are written most significant last: kubeadm's certs show "O = …, CN = …".
        foreach (var g in groups) name.AddOrganizationName(g);
        name.AddCommonName(user);
        return Issue(name.Build(), now, serverAuth: false, null);
    }

    private X509Certificate2 Issue(string subject, DateTimeOffset now, bool serverAuth, X509Extension? san) => Issue(new X500DistinguishedName(subject), now, serverAuth, san);

    private X509Certificate2 Issue(X500DistinguishedName subject, DateTimeOffset now, bool serverAuth, X509Extension? san)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverAuth ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(CaCertificate, true, false));
        if (san is not null) request.CertificateExtensions.Add(san);
        var serial = RandomNumberGenerator.GetBytes(8);
        serial[0] &= 0x7F;
        var generator = X509SignatureGenerator.CreateForECDsa(caKey);
        var (from, to) = Window(now, LeafValidity);
        using var signed = request.Create(CaCertificate.SubjectName, generator, from, to, serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        // Through PKCS#12 so the key is a persisted one SslStream can use on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>
    /// Validity from the earlier to the later of the cluster's clock and the machine's: the simulated clock may start at another
    /// time or run faster, while TLS clients (kubectl, HttpClient) check the certificates against the machine's clock.
    /// </summary>
    private static (DateTimeOffset From, DateTimeOffset To) Window(DateTimeOffset clusterNow, TimeSpan validity)
    {
        var real = DateTimeOffset.UtcNow;
        return ((clusterNow < real ? clusterNow : real).AddMinutes(-5), (clusterNow > real ? clusterNow : real).Add(validity));
    }

    /// <summary>The certificate and its key as PEM (client-certificate-data / client-key-data in a kubeconfig, base64 of these).</summary>
    public static (string CertificatePem, string KeyPem) ToPem(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("certificate has no ECDSA key");
        return (certificate.ExportCertificatePem() + "\n", key.ExportECPrivateKeyPem() + "\n");
    }

    /// <summary>True when the certificate was issued by this cluster's CA and is valid at <paramref name="now"/> (x509 request.go Verify).</summary>
    public bool Verifies(X509Certificate2 certificate, DateTime now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(CaCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        // x509 authenticator: the chain must allow client authentication (opts.KeyUsages = ExtKeyUsageClientAuth).
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        return chain.Build(certificate) && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(CaCertificate.RawData);
    }

    public void Dispose()
    {
        caKey.Dispose();
        ServiceAccountKey.Dispose();
        CaCertificate.Dispose();
    }
}
