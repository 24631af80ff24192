using System.Security.Cryptography.X509Certificates;

namespace KubeLab.Simulator.Network;

/// <summary>
/// A certificate chain as a TLS server sends it in its Certificate message: the leaf first, then the intermediates from the
/// same PEM file (a Secret's <c>tls.crt</c>). The model exchanges no bytes; a client checks this chain the way OpenSSL would.
/// </summary>
public sealed record ServedCertificate(X509Certificate2 Leaf, IReadOnlyList<X509Certificate2> Intermediates)
{
    /// <summary>Every certificate of a PEM bundle, in file order; empty when it holds none that parse.</summary>
    public static IReadOnlyList<X509Certificate2> ParsePem(string pem)
    {
        var result = new List<X509Certificate2>();
        try
        {
            var all = new X509Certificate2Collection();
            all.ImportFromPem(pem);
            result.AddRange(all);
        }
        catch (System.Security.Cryptography.CryptographicException) { }
        return result;
    }

    /// <summary>The chain of a PEM bundle (null: no certificate in it).</summary>
    public static ServedCertificate? FromPem(string pem) => ParsePem(pem) is { Count: > 0 } certs ? new(certs[0], certs.Skip(1).ToList()) : null;
}

/// <summary>
/// The TLS side of a listening port (<see cref="PodSandbox.Listen"/>): which certificate the server presents for the client's
/// SNI (null SNI: the client sent none, e.g. for an IP literal); null when the server has nothing for that name and closes the
/// connection during the handshake.
/// </summary>
public interface ITlsServer
{
    ServedCertificate? SelectCertificate(string? serverName);
}
