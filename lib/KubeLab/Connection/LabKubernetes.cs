using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;

namespace KubeLab.Connection;

/// <summary>
/// The official client plus one extra: raw requests through the same authenticated pipeline.
/// Needed for discovery of arbitrary groups and for server-side apply of any kind (GenericClient cannot do SSA).
/// </summary>
internal sealed class LabKubernetes(KubernetesClientConfiguration config) : Kubernetes(config)
{
    private readonly KubernetesClientConfiguration _config = config;

    /// <summary>
    /// A client for the same server (same CA) that presents <paramref name="bearerToken"/> instead of the kubeconfig's
    /// credentials (none when null: an anonymous request): what a Pod's process does with its mounted ServiceAccount token.
    /// </summary>
    public LabKubernetes WithToken(string? bearerToken) => new(new KubernetesClientConfiguration
    {
        Host = _config.Host,
        SslCaCerts = _config.SslCaCerts,
        SkipTlsVerify = _config.SkipTlsVerify,
        TlsServerName = _config.TlsServerName,
        AccessToken = bearerToken,
    });

    /// <summary>The client certificate the kubeconfig's user presents (kind: CN=kubernetes-admin, O=kubeadm:cluster-admins), or null.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate()
    {
        // kubeconfig client-certificate-data is base64 of a PEM block; client-certificate a PEM file.
        if (!string.IsNullOrEmpty(_config.ClientCertificateData))
            return System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(Convert.FromBase64String(_config.ClientCertificateData)));
        return string.IsNullOrEmpty(_config.ClientCertificateFilePath) ? null
            : System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(_config.ClientCertificateFilePath));
    }

    public async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string? body = null,
        string? contentType = null, CancellationToken ct = default, string accept = "application/json",
        IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var baseUri = BaseUri.ToString().TrimEnd('/');
        using var request = new HttpRequestMessage(method, baseUri + "/" + path.TrimStart('/'));
        request.Headers.Accept.ParseAdd(accept);
        foreach (var (name, value) in headers ?? []) request.Headers.TryAddWithoutValidation(name, value);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType ?? "application/json");
        }
        try
        {
            using var response = await SendRequestRaw(body ?? "", request, ct).ConfigureAwait(false);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        }
        catch (HttpOperationException e)
        {
            return (e.Response.StatusCode, e.Response.Content ?? "");
        }
    }
}
