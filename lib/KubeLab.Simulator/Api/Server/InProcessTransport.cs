using System.Security.Cryptography.X509Certificates;
using KubeLab.Simulator.Api.Server.InProcess;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.Server;

/// <summary>
/// How the components running inside the simulator's process (controllers, scheduler, kubelets) reach the API server: the same
/// HTTP requests through the same pipeline as kubectl's (authentication, authorization, admission, handlers, watch streams),
/// carried in memory instead of over loopback TCP and TLS. Upstream these components are separate processes; here, at 10,000
/// pods, the socket and TLS layers cost more CPU than the API server's own work. A client certificate reaches the pipeline as a
/// TLS connection would present it (<c>HttpContext.Connection.ClientCertificate</c>, checked by the x509 authenticator); bearer
/// tokens travel in the Authorization header as always. kubectl, the library and the notebooks still use the HTTPS listener.
/// <para>
/// The requests were carried by ASP.NET Core's TestServer until its per-request machinery (a pipe, a feature dictionary, several
/// wrappers and an IOException for every disposed response) came to about a tenth of all allocations in the 10,000-pod run; the
/// handler in Api/Server/InProcess keeps TestServer's observable behaviour with one pooled buffer and one feature object per
/// request.
/// </para>
/// </summary>
public sealed class InProcessTransport : IDisposable
{
    private readonly IServiceProvider services;
    private readonly RequestDelegate pipeline;
    private readonly PathString pathBase;

    public InProcessTransport(IServiceProvider services, Uri baseAddress, RequestDelegate pipeline)
    {
        this.services = services;
        this.pipeline = pipeline;
        // The base address's path is the requests' PathBase ("" for the listener's root), without a trailing slash.
        var path = PathString.FromUriComponent(baseAddress).Value ?? "";
        pathBase = new PathString(path.TrimEnd('/'));
    }

    /// <summary>
    /// The last handler of a KubernetesClient's chain (<c>new Kubernetes(config, handler)</c>): it answers every request in
    /// memory, so the client's own socket handler is never used. <paramref name="clientCertificate"/> is the identity a TLS
    /// connection would present (null: none, e.g. a bearer-token client).
    /// </summary>
    public DelegatingHandler HandlerFor(X509Certificate2? clientCertificate) => new InProcessHandler(pipeline, services, pathBase, clientCertificate);

    /// <summary>Nothing to release: requests in flight finish with the pipeline (as with TestServer, which held no resources here).</summary>
    public void Dispose() { }
}
