using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KubeLab.Simulator.Api.Authentication;

/// <summary>
/// The x509 client-certificate authenticator (k8s.io/apiserver/pkg/authentication/request/x509): the chain must lead to the
/// cluster CA (--client-ca-file) with client-auth usage; CN is the user name, every O a group; since 1.32 the user carries
/// <c>authentication.kubernetes.io/credential-id: X509SHA256=&lt;hex SHA-256 of the certificate&gt;</c>.
/// </summary>
public sealed class X509Authenticator(ClusterPki pki, TimeProvider time)
{
    // Chain building is the costly part; a certificate that verified once only needs its validity period re-checked.
    private readonly Util.BoundedCache<string, UserInfo> verified = new(1024, StringComparer.Ordinal);
    // An in-process component presents the same certificate object on every request: hash its bytes once (RawData is a copy).
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<X509Certificate2, string> fingerprints = new();

    public (UserInfo? User, string? Error) Authenticate(X509Certificate2 certificate)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
            return (null, "verifying certificate failed: x509: certificate has expired or is not yet valid");
        var fingerprint = fingerprints.GetValue(certificate, c => Convert.ToHexStringLower(SHA256.HashData(c.RawData)));
        if (verified.TryGetValue(fingerprint, out var known)) return (known, null);
        if (!pki.Verifies(certificate, now))
            return (null, $"verifying certificate SN={certificate.SerialNumber}, SKID=, AKID= failed: x509: certificate signed by unknown authority");
        var name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (string.IsNullOrEmpty(name)) return (null, "x509: certificate has no common name");
        var groups = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(r => r.GetSingleElementType().Value == "2.5.4.10")
            .Select(r => r.GetSingleElementValue() ?? "")
            .ToList();
        if (!groups.Contains("system:authenticated")) groups.Add("system:authenticated");
        var user = new UserInfo(name, groups, Extra: new Dictionary<string, IReadOnlyList<string>>
        {
            [ServiceAccountUser.CredentialIdKey] = ["X509SHA256=" + fingerprint],
        });
        verified.Set(fingerprint, user);
        return (user, null);
    }
}
