using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace KubeLab.Simulator.Network;

/// <summary>
/// What an OpenSSL client (curl) decides about a served chain: verification against the trusted CAs at the given time, with
/// OpenSSL 3's X509_verify_cert_error_string texts (crypto/x509/x509_txt.c), and the host name check against the SANs
/// (curl lib/vtls/openssl.c ossl_verifyhost: dNSName entries, a wildcard only as the whole left-most label; IP literals
/// against iPAddress entries).
/// </summary>
public static class CertificateCheck
{
    /// <summary>null when the chain is trusted; otherwise OpenSSL's reason.</summary>
    public static string? Verify(ServedCertificate served, IReadOnlyList<X509Certificate2> trusted, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(served.Intermediates.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        if (chain.Build(served.Leaf)) return null;
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (f, s) => f | s.Status);
        var selfSigned = served.Leaf.SubjectName.RawData.AsSpan().SequenceEqual(served.Leaf.IssuerName.RawData);
        var trustedLeaf = trusted.Any(t => t.RawData.AsSpan().SequenceEqual(served.Leaf.RawData));
        // OpenSSL builds the chain first and reports a trust failure before the validity period.
        if (selfSigned && !trustedLeaf) return "self-signed certificate";
        if (flags.HasFlag(X509ChainStatusFlags.PartialChain)) return "unable to get local issuer certificate";
        if (flags.HasFlag(X509ChainStatusFlags.UntrustedRoot))
            return chain.ChainElements.Count > 1 && served.Intermediates.Any(i => i.RawData.AsSpan().SequenceEqual(chain.ChainElements[^1].Certificate.RawData))
                ? "self-signed certificate in certificate chain" : "unable to get local issuer certificate";
        if (flags.HasFlag(X509ChainStatusFlags.NotTimeValid))
            return served.Leaf.NotBefore.ToUniversalTime() > now.UtcDateTime ? "certificate is not yet valid" : "certificate has expired";
        if (flags.HasFlag(X509ChainStatusFlags.NotSignatureValid)) return "certificate signature failure";
        return "unable to get local issuer certificate";
    }

    /// <summary>The X509_V_ERR_* number of a reason <see cref="Verify"/> returns (include/openssl/x509_vfy.h).</summary>
    public static int OpenSslCode(string reason) => reason switch
    {
        "certificate signature failure" => 7,
        "certificate is not yet valid" => 9,
        "certificate has expired" => 10,
        "self-signed certificate" => 18,
        "self-signed certificate in certificate chain" => 19,
        _ => 20, // unable to get local issuer certificate
    };

    /// <summary>The SAN entry that matches <paramref name="host"/>, or null (curl then fails with "no alternative certificate subject name").</summary>
    public static string? MatchingName(X509Certificate2 cert, string host)
    {
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null) return null;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
            return san.EnumerateIPAddresses().FirstOrDefault(a => a.Equals(ip))?.ToString();
        foreach (var name in san.EnumerateDnsNames())
            if (HostMatches(name, host)) return name;
        return null;
    }

    /// <summary>RFC 6125 as curl applies it: exact (case-insensitive), or "*.rest" matching exactly one label before "rest".</summary>
    public static bool HostMatches(string pattern, string host)
    {
        pattern = pattern.TrimEnd('.');
        host = host.TrimEnd('.');
        if (string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase)) return true;
        if (!pattern.StartsWith("*.", StringComparison.Ordinal) || pattern.Count(c => c == '.') < 2) return false;
        var dot = host.IndexOf('.');
        return dot > 0 && string.Equals(host[dot..], pattern[1..], StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>OpenSSL's one-line name as curl prints it (X509_NAME_print_ex, XN_FLAG_SEP_SPLUS_SPC): "C=JP; O=x; CN=y".</summary>
    public static string OneLine(X500DistinguishedName name) =>
        string.Join("; ", name.EnumerateRelativeDistinguishedNames().Select(r =>
            $"{r.GetSingleElementType().FriendlyName switch { "CN" or null => "CN", var f => Short(f) }}={r.GetSingleElementValue()}"));

    private static string Short(string friendly) => friendly switch
    {
        "C" or "countryName" => "C", "O" or "organizationName" => "O", "OU" or "organizationalUnitName" => "OU",
        "L" or "localityName" => "L", "S" or "ST" or "stateOrProvinceName" => "ST", "E" or "emailAddress" => "emailAddress",
        _ => friendly,
    };

    /// <summary>ASN1_TIME_print's form, as curl -v shows start/expire dates: "Dec  3 16:50:00 2026 GMT".</summary>
    public static string Asn1Time(DateTime utc) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{utc:MMM} {utc.Day,2} {utc:HH:mm:ss} {utc.Year} GMT");
}
