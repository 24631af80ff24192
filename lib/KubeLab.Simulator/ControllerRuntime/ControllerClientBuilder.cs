using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// kube-controller-manager with <c>--use-service-account-credentials=true</c> (kubeadm's default, so kind's):
/// k8s.io/controller-manager/pkg/clientbuilder's DynamicControllerClientBuilder. The shared informers list and watch with the
/// controller manager's own credentials (<see cref="Root"/>: kubeadm's controller-manager.conf, a client certificate of
/// <c>CN=system:kube-controller-manager</c> without any group), and each controller loop gets <see cref="ClientFor"/> its own
/// name: the ServiceAccount <c>kube-system/&lt;name&gt;</c> (created by the controller manager if missing) authenticating with a
/// token from the TokenRequest API, so a controller can do exactly what its <c>system:controller:&lt;name&gt;</c> role grants.
/// </summary>
public sealed class ControllerClientBuilder : IDisposable
{
    public const string Namespace = "kube-system";

    private readonly Func<k8s.Authentication.ITokenProvider, DelegatingHandler, IKubernetes> clientWithToken;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<string, IKubernetes> clients = new();

    /// <param name="root">The controller manager's own client (its client certificate).</param>
    /// <param name="clientWithToken">Makes a client for the API server that authenticates with the given token provider, its
    /// requests passing through the given handler.</param>
    /// <param name="time">The cluster clock: token lifetimes and refreshes are measured on it, as the API server measures them.</param>
    public ControllerClientBuilder(IKubernetes root, Func<k8s.Authentication.ITokenProvider, DelegatingHandler, IKubernetes> clientWithToken, TimeProvider time)
    {
        Root = root;
        this.clientWithToken = clientWithToken;
        this.time = time;
    }

    /// <summary>The controller manager's own identity (user system:kube-controller-manager, role system:kube-controller-manager).</summary>
    public IKubernetes Root { get; }

    /// <summary>The names <see cref="ClientFor"/> was asked for (the controllers that run under their own service account).</summary>
    public IReadOnlyCollection<string> Names => clients.Keys.ToList();

    /// <summary>
    /// The client of controller <paramref name="name"/>: user <c>system:serviceaccount:kube-system:&lt;name&gt;</c>. The service
    /// account and its first token are obtained on the client's first request (client_builder_dynamic.go's tokenSourceImpl).
    /// </summary>
    public IKubernetes ClientFor(string name) => clients.GetOrAdd(name, n =>
    {
        var source = new ServiceAccountTokenSource(Root, n, time);
        _ = WarmUpAsync(source, stop.Token);
        return clientWithToken(source, new ResetTokenOnUnauthorized(source));
    });

    private readonly CancellationTokenSource stop = new();

    /// <summary>
    /// ClientOrDie obtains the first token when the controller starts, so every controller's service account exists from the
    /// start (kubectl get sa -n kube-system on kind lists them all); retried while the API server is not answering yet.
    /// </summary>
    private static async Task WarmUpAsync(ServiceAccountTokenSource source, CancellationToken ct)
    {
        for (var delay = TimeSpan.FromMilliseconds(50); !ct.IsCancellationRequested; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.TicksPerSecond * 5)))
        {
            try
            {
                await source.GetAuthenticationHeaderAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) { return; }
            catch (Exception) { }
            try { await Task.Delay(delay, ct).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        stop.Dispose();
        foreach (var c in clients.Values) c.Dispose();
        clients.Clear();
    }

    /// <summary>
    /// transport.ResettableTokenSourceWrapTransport: a 401 (the service account was deleted, or the token no longer verifies)
    /// drops the cached token, so the controller's retry gets a fresh one instead of failing until the refresh time.
    /// </summary>
    private sealed class ResetTokenOnUnauthorized(ServiceAccountTokenSource source) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized) source.Reset();
            return response;
        }
    }

    /// <summary>
    /// tokenSourceImpl: makes sure the ServiceAccount exists, asks TokenRequest for a one-hour token and asks again once 80 % of
    /// its lifetime has passed (defaultExpirationSeconds = 3600, defaultLeewayPercent = 20) – on the cluster's clock, which may
    /// run many times faster than the wall clock.
    /// </summary>
    internal sealed class ServiceAccountTokenSource(IKubernetes root, string name, TimeProvider time) : k8s.Authentication.ITokenProvider
    {
        private const long ExpirationSeconds = 3600;
        private const double RefreshAtFraction = 0.8;
        private readonly SemaphoreSlim gate = new(1, 1);
        private string? token;
        private long refreshAtTicks; // UTC ticks; read without the gate, so kept in one word

        /// <summary>Forgets the token, so the next request asks for a new one (and re-creates a deleted service account).</summary>
        public void Reset() => Volatile.Write(ref token, null);

        public async Task<System.Net.Http.Headers.AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
        {
            var current = Volatile.Read(ref token);
            if (current is null || time.GetUtcNow().UtcTicks >= Interlocked.Read(ref refreshAtTicks))
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    if (token is null || time.GetUtcNow().UtcTicks >= Interlocked.Read(ref refreshAtTicks)) await RefreshAsync(cancellationToken).ConfigureAwait(false);
                    current = token!;
                }
                finally { gate.Release(); }
            }
            return new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", current);
        }

        private async Task RefreshAsync(CancellationToken ct)
        {
            await EnsureServiceAccountAsync(ct).ConfigureAwait(false);
            var issued = time.GetUtcNow();
            var response = await root.CoreV1.CreateNamespacedServiceAccountTokenAsync(
                new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = ExpirationSeconds } },
                name, Namespace, cancellationToken: ct).ConfigureAwait(false);
            var expires = response.Status.ExpirationTimestamp is { } e ? new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc)) : issued.AddSeconds(ExpirationSeconds);
            Interlocked.Exchange(ref refreshAtTicks, (issued + (expires - issued) * RefreshAtFraction).UtcTicks);
            Volatile.Write(ref token, response.Status.Token);
        }

        /// <summary>getOrCreateServiceAccount: a GET, then a create as the controller manager when it is missing (409 = someone else made it).</summary>
        private async Task EnsureServiceAccountAsync(CancellationToken ct)
        {
            try
            {
                await root.CoreV1.ReadNamespacedServiceAccountAsync(name, Namespace, cancellationToken: ct).ConfigureAwait(false);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { }
            try
            {
                await root.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = name } }, Namespace,
                    cancellationToken: ct).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict) { }
        }
    }
}
