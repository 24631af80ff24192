using System.Security.Cryptography.X509Certificates;

namespace KubeLab;

/// <summary>
/// A client certificate as kube-apiserver's x509 authenticator reads it: the Subject's CN is the user name, each O a group;
/// it counts only if the cluster CA (the Issuer) signed it and it has not expired.
/// </summary>
public sealed record ClientCertificateInfo(string Subject, string UserName, IReadOnlyList<string> Groups, string Issuer, DateTime NotBefore, DateTime NotAfter)
{
    public static ClientCertificateInfo From(X509Certificate2 cert)
    {
        var parts = cert.SubjectName.EnumerateRelativeDistinguishedNames().ToList();
        string[] Values(string oid) => parts.Where(p => p.GetSingleElementType().Value == oid).Select(p => p.GetSingleElementValue() ?? "").ToArray();
        return new ClientCertificateInfo(cert.Subject, Values("2.5.4.3").FirstOrDefault() ?? "", Values("2.5.4.10"), cert.Issuer,
            cert.NotBefore.ToUniversalTime(), cert.NotAfter.ToUniversalTime());
    }
}
