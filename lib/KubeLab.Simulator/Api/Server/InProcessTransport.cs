using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Options;

namespace KubeLab.Simulator.Api.Server;

/// <summary>
/// How the components running inside the simulator's process (controllers, scheduler, kubelets) reach the API server: the same
/// HTTP requests through the same pipeline as kubectl's (authentication, authorization, admission, handlers, watch streams),
/// carried in memory instead of over loopback TCP and TLS (ASP.NET Core's TestServer, which hands requests and streamed
/// responses to the application directly). Upstream these components are separate processes; here, at 10,000 pods, the socket
/// and TLS layers cost more CPU than the API server's own work. A client certificate reaches the pipeline as a TLS connection
/// would present it (<c>HttpContext.Connection.ClientCertificate</c>, checked by the x509 authenticator); bearer tokens travel in
/// the Authorization header as always. kubectl, the library and the notebooks still use the HTTPS listener.
/// </summary>
public sealed class InProcessTransport : IDisposable
{
    private readonly TestServer server;

    public InProcessTransport(IServiceProvider services, Uri baseAddress, RequestDelegate pipeline)
    {
        server = new TestServer(services, Options.Create(new TestServerOptions { BaseAddress = baseAddress }));
        // TestServer only starts synchronously-completing work here: it stores the application.
        ((IServer)server).StartAsync(new Application(pipeline, services), CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>
    /// The last handler of a KubernetesClient's chain (<c>new Kubernetes(config, handler)</c>): it answers every request in
    /// memory, so the client's own socket handler is never used. <paramref name="clientCertificate"/> is the identity a TLS
    /// connection would present (null: none, e.g. a bearer-token client).
    /// </summary>
    public DelegatingHandler HandlerFor(X509Certificate2? clientCertificate) =>
        new Terminal(new HttpMessageInvoker(server.CreateHandler(ctx =>
        {
            if (clientCertificate is not null) ctx.Connection.ClientCertificate = clientCertificate;
        }), disposeHandler: true));

    private sealed class Terminal(HttpMessageInvoker invoker) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => invoker.SendAsync(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing) invoker.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>The hosting layer's part: one HttpContext per request over the features TestServer provides.</summary>
    private sealed class Application(RequestDelegate pipeline, IServiceProvider services) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures) { RequestServices = services };

        public Task ProcessRequestAsync(HttpContext context) => pipeline(context);

        public void DisposeContext(HttpContext context, Exception? exception) { }
    }

    public void Dispose() => server.Dispose();
}
