using System.Net;
using System.Security.Cryptography.X509Certificates;
using k8s;
using KubeLab.Simulator.Api.Authentication;
using KubeLab.Simulator.Api.Lifecycle;
using KubeLab.Simulator.Api.Seed;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;
using KubeLab.Simulator.Clock;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeLab.Simulator;

/// <summary>
/// An in-process Kubernetes control plane: an API server speaking the real REST API over HTTPS on 127.0.0.1 with its own
/// cluster CA, authenticating every request like kind's kube-apiserver (client certificates, service-account tokens, anonymous)
/// – usable by KubernetesClient and the real kubectl through <see cref="KubeconfigYaml"/> – plus the controllers started by
/// <see cref="ControllerRuntime.ControllerManager"/>.
/// </summary>
public sealed class SimulatedCluster : IAsyncDisposable
{
    public const string ContextName = "kubelab-sim";

    /// <summary>kubeadm's admin.conf user (kind ≥ 1.29, kubeadm ≥ 1.29: group kubeadm:cluster-admins, bound to cluster-admin).</summary>
    public const string AdminUser = "kubernetes-admin";
    public const string AdminGroup = "kubeadm:cluster-admins";

    /// <summary>
    /// kube-controller-manager's own identity (kubeadm's controller-manager.conf: a client certificate with no group). Its role
    /// system:kube-controller-manager lets it list and watch everything (the shared informers) and create service accounts and
    /// their tokens; each controller loop then acts as its own service account (see <see cref="ControllerRuntime.ControllerClientBuilder"/>).
    /// </summary>
    public const string ControllerUser = "system:kube-controller-manager";
    public static readonly IReadOnlyList<string> ControllerGroups = [];

    /// <summary>kube-scheduler's identity (kubeadm's scheduler.conf), bound to system:kube-scheduler and system:volume-scheduler.</summary>
    public const string SchedulerUser = "system:kube-scheduler";

    private const string ControlPlaneNode = "k8s-course-control-plane";
    private const string ControlPlaneIp = "172.18.0.2";

    private readonly WebApplication app;
    private readonly CancellationTokenSource shutdown;
    private readonly GarbageCollector gc;
    // apiextensions-apiserver's naming, establishing and finalizer controllers (CRD status, cleanup of a deleted CRD's objects).
    private Api.CustomResources.CustomResourceDefinitionController? crdController;
    // serviceaccount, root-ca-cert-publisher and legacy token controllers (they hold the cluster's CA and sa.key).
    private Controllers.ServiceAccount.ServiceAccountControllers? serviceAccountControllers;
    private Api.Lifecycle.ResourceQuotaController? quotaController;
    private Api.Lifecycle.DisruptionController? disruptionController;
    private IAsyncDisposable? controllers;
    // The in-process components' clients and the pod network's way in: closed after the components, before the listener stops.
    private ControllerRuntime.ControllerClientBuilder? controllerClients;
    private readonly List<IKubernetes> componentClients = [];
    private HttpClient? inClusterHttp;
    // The in-process components' way to the API server (same pipeline, no sockets): see InProcessTransport.
    private Api.Server.InProcessTransport? inProcess;
    private Network.HostPorts.HostPortForwarder? hostPorts;
    private int disposed;

    private SimulatedCluster(WebApplication app, CancellationTokenSource shutdown, GarbageCollector gc, Uri url, ObjectStore store, SimulatedClock clock, DataPlane dataPlane,
        ClusterPki pki, ServiceAccountTokens tokens)
    {
        Pki = pki;
        Tokens = tokens;
        Store = store;
        DataPlane = dataPlane;
        Clock = clock;
        this.app = app;
        this.shutdown = shutdown;
        this.gc = gc;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>The cluster's CA, serving and signing keys (fresh per start, like a new kind cluster's /etc/kubernetes/pki).</summary>
    public ClusterPki Pki { get; }

    /// <summary>The service-account token issuer (TokenRequest, the kubelet's projected tokens, legacy token Secrets).</summary>
    public ServiceAccountTokens Tokens { get; }

    /// <summary>The cluster CA certificate in PEM (kubeconfig certificate-authority-data, every ca.crt, ConfigMap kube-root-ca.crt).</summary>
    public string CaCertificatePem => Pki.CaPem;

    private string? adminKubeconfig;
    private RequestAuthenticator authenticator = null!;

    /// <summary>What the API server's service-account token authenticator makes of <paramref name="token"/> (for benchmarks and tools).</summary>
    public (UserInfo? User, string? Error) AuthenticateToken(string token) => authenticator.Tokens.Authenticate(token);

    /// <summary>The cluster's clock: read it, or change its speed (also served at <c>GET/PUT /kubelab/v1/clock</c>).</summary>
    public SimulatedClock Clock { get; }

    /// <summary>The backing store, for tests that need to drive it directly (e.g. to overflow the watch history).</summary>
    internal ObjectStore Store { get; }

    /// <summary>The nodes' shared pod network and kubelet connections, for tests that plug in fake kubelets or servers.</summary>
    internal DataPlane DataPlane { get; }

    /// <summary>
    /// The kubeconfig of the cluster's admin, as kind writes it: the cluster CA as certificate-authority-data and the client
    /// certificate of <c>CN=kubernetes-admin, O=kubeadm:cluster-admins</c> (kubeadm's admin.conf).
    /// </summary>
    public string KubeconfigYaml => LazyInitializer.EnsureInitialized(ref adminKubeconfig, () => KubeconfigFor(AdminUser, [AdminGroup]));

    /// <summary>A kubeconfig for any user and groups: a client certificate signed by the cluster CA (what `kubeadm kubeconfig user` makes).</summary>
    public string KubeconfigFor(string user, IEnumerable<string> groups)
    {
        using var cert = Pki.IssueClientCertificate(user, groups, Clock.GetUtcNow());
        var (certPem, keyPem) = ClusterPki.ToPem(cert);
        static string B64(string pem) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(pem));
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {ContextName}
              cluster:
                certificate-authority-data: {B64(Pki.CaPem)}
                server: {Url.ToString().TrimEnd('/')}
            users:
            - name: {ContextName}
              user:
                client-certificate-data: {B64(certPem)}
                client-key-data: {B64(keyPem)}
            contexts:
            - name: {ContextName}
              context:
                cluster: {ContextName}
                user: {ContextName}
                namespace: default
            current-context: {ContextName}
            preferences: {"{}"}

            """;
    }

    public void WriteKubeconfig(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, KubeconfigYaml);
    }

    /// <summary>A client as the cluster admin (through <see cref="KubeconfigYaml"/>, as the library and kubectl use it).</summary>
    public IKubernetes CreateClient() => ClientFrom(KubeconfigYaml);

    /// <summary>
    /// The clients of the control-plane components, each with its kubeadm identity: kube-controller-manager (its own certificate
    /// for the shared informers, a service account per controller), kube-scheduler, the kubelets, and – running outside the
    /// cluster with the admin kubeconfig – cloud-provider-kind and (for now) the local-path provisioner.
    /// </summary>
    private ControllerRuntime.ControlPlaneClients CreateControlPlaneClients()
    {
        IKubernetes Keep(IKubernetes c) { componentClients.Add(c); return c; }
        controllerClients = new ControllerRuntime.ControllerClientBuilder(Keep(CreateInProcessClient(ControllerUser, ControllerGroups)),
            CreateInProcessClient, Clock);
        var admin = Keep(CreateInProcessClient(AdminUser, [AdminGroup]));
        return new ControllerRuntime.ControlPlaneClients(controllerClients,
            Scheduler: Keep(CreateInProcessClient(SchedulerUser, [])),
            // Each kubelet as its node (kubelet TLS bootstrap's end state on kind), under the Node authorizer and NodeRestriction.
            Kubelets: node => CreateInProcessClient(Api.Authorization.NodeIdentity.UserName(node), [Api.Authorization.NodeIdentity.NodesGroup]),
            CloudProvider: admin,
            LocalPathProvisioner: admin);
    }

    /// <summary>The names of the controllers that act as their own service account in kube-system (the ones started so far).</summary>
    public IReadOnlyCollection<string> ControllerServiceAccounts => controllerClients?.Names ?? [];

    /// <summary>
    /// A client for a component running inside the simulator that authenticates with the bearer tokens of
    /// <paramref name="tokens"/> (a controller's service-account tokens), its requests carried in memory after passing
    /// <paramref name="handler"/>.
    /// </summary>
    internal IKubernetes CreateInProcessClient(k8s.Authentication.ITokenProvider tokens, DelegatingHandler handler)
    {
        var transport = inProcess ?? throw new InvalidOperationException("the simulator has not started");
        return new Kubernetes(new KubernetesClientConfiguration { Host = Url.ToString(), TokenProvider = tokens }, handler, transport.HandlerFor(null));
    }

    /// <summary>A client authenticating with a client certificate for <paramref name="user"/> in <paramref name="groups"/>.</summary>
    public IKubernetes CreateClient(string user, IEnumerable<string> groups) => ClientFrom(KubeconfigFor(user, groups));

    /// <summary>
    /// A client for a component running inside the simulator (controller, scheduler, kubelet): the client certificate of
    /// <paramref name="user"/> in <paramref name="groups"/>, its requests carried in memory (<see cref="Api.Server.InProcessTransport"/>).
    /// </summary>
    public IKubernetes CreateInProcessClient(string user, IEnumerable<string> groups)
    {
        var transport = inProcess ?? throw new InvalidOperationException("the simulator has not started");
        var certificate = Pki.IssueClientCertificate(user, groups, Clock.GetUtcNow());
        return new Kubernetes(new KubernetesClientConfiguration { Host = Url.ToString() }, transport.HandlerFor(certificate));
    }

    private static Kubernetes ClientFrom(string kubeconfig)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(kubeconfig));
        return new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigObject(KubernetesClientConfiguration.LoadKubeConfig(stream)));
    }

    /// <summary>
    /// A raw HttpClient on <see cref="Url"/> that trusts the cluster CA and presents the admin's client certificate (or, with
    /// <paramref name="anonymous"/>, none); for tests and tools that speak HTTP themselves.
    /// </summary>
    public HttpClient CreateHttpClient(bool anonymous = false, string? bearerToken = null, X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && TrustsServer(cert);
        if (clientCertificate is not null) handler.SslOptions.ClientCertificates = [clientCertificate];
        else if (!anonymous && bearerToken is null)
            handler.SslOptions.ClientCertificates = [AdminCertificate];
        var http = new HttpClient(handler) { BaseAddress = Url };
        if (bearerToken is not null) http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearerToken);
        return http;
    }

    private X509Certificate2? adminCertificate;

    /// <summary>A client certificate (with key) of the admin, for raw TLS clients such as a ClientWebSocket.</summary>
    public X509Certificate2 AdminCertificate => LazyInitializer.EnsureInitialized(ref adminCertificate, () => Pki.IssueClientCertificate(AdminUser, [AdminGroup], Clock.GetUtcNow()));

    /// <summary>True when <paramref name="certificate"/> chains to the cluster CA (a RemoteCertificateValidationCallback for raw clients).</summary>
    public bool TrustsServer(X509Certificate certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Pki.CaCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    public static async Task<SimulatedCluster> StartAsync(SimulatorOptions? options = null, CancellationToken ct = default)
    {
        ControllerRuntime.ClientJsonOptions.Install();
        options ??= new SimulatorOptions();
        if (options.Port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(options), options.Port, "Port must be between 0 and 65535.");
        if (options.WorkerNodes is < 0 or > 250) throw new ArgumentOutOfRangeException(nameof(options), options.WorkerNodes, "WorkerNodes must be between 0 and 250 (one /24 pod range each under 10.244.0.0/16).");

        SimulatedClock.Validate(options.ClockSpeed);
        RequestAuthenticator? tokenAuthenticatorHolder;
        var clock = new SimulatedClock(options.ClockSpeed, options.Time);
        var store = new ObjectStore();
        // --encryption-provider-config: read at start, like kube-apiserver (a bad file stops the start with its error).
        var encryption = options.EncryptionConfigurationPath is { } encryptionPath ? Api.Storage.Encryption.EncryptionConfiguration.Load(encryptionPath) : null;
        var storage = new RestStorage(store, clock);
        // kubeadm init phase certs: a new CA, serving certificate and service-account key for every new cluster.
        var pki = ClusterPki.Create(clock.GetUtcNow());
        var tokens = new ServiceAccountTokens(pki);
        // The advertise address (the control-plane node's IP) is a SAN too, as kubeadm adds it.
        var serving = pki.IssueServingCertificate(clock.GetUtcNow(), ControlPlaneNode, [IPAddress.Parse(ControlPlaneIp)]);
        ClusterSeed.Apply(storage, options.WorkerNodes, options.CoreDnsPods);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(SimulatedCluster).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            // kube-apiserver's secure port: TLS with the serving certificate; a client certificate is asked for but not required
            // (tls.RequestClientCert) – the x509 authenticator checks it against the cluster CA, so a foreign one is a 401, not a
            // failed handshake. HTTP/1.1 only: kube-apiserver also speaks HTTP/2, the simulator's streaming code is written for 1.1.
            k.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = serving,
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                    ClientCertificateValidation = (_, _, _) => true,
                });
            });
            k.AllowSynchronousIO = false;
        });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
        // The cluster is embedded in someone else's process (notebook kernel, CLI, tests): leave Ctrl+C / SIGTERM handling to them.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        var app = builder.Build();

        var shutdown = new CancellationTokenSource();
        Uri? url = null;
        var dataPlane = new DataPlane { CloudProviderKind = options.LoadBalancers, Etcd = new Api.Storage.StoredObjectView(store, encryption) };
        var handler = new ApiHandler(storage, dataPlane, () => url is null ? "127.0.0.1" : $"{url.Host}:{url.Port}", shutdown.Token);
        app.UseWebSockets();
        var authenticator = tokenAuthenticatorHolder = new RequestAuthenticator(new X509Authenticator(pki, clock), new ServiceAccountTokenAuthenticator(tokens, store, clock), clock);
        handler.Authentication = new AuthenticationApi(storage, tokens, authenticator.CachedTokens);
        async Task Serve(Microsoft.AspNetCore.Http.HttpContext ctx)
        {
            // WithAuthentication: every request is authenticated before anything else looks at it.
            if (!await AuthenticationFilter.Authenticate(ctx, authenticator)) return;
            await (ClockEndpoint.Matches(ctx) ? ClockEndpoint.Handle(ctx, clock) : handler.Handle(ctx));
        }
        app.Run((Microsoft.AspNetCore.Http.RequestDelegate)Serve);
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        url = new Uri(address.Replace("[::1]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
        var inProcess = new Api.Server.InProcessTransport(app.Services, url, Serve);
        var gc = new GarbageCollector(storage);
        var cluster = new SimulatedCluster(app, shutdown, gc, url, store, clock, dataPlane, pki, tokens)
        {
            inProcess = inProcess,
            authenticator = tokenAuthenticatorHolder,
            crdController = new Api.CustomResources.CustomResourceDefinitionController(storage),
            serviceAccountControllers = new Controllers.ServiceAccount.ServiceAccountControllers(storage, tokens),
            quotaController = new Api.Lifecycle.ResourceQuotaController(storage),
            disruptionController = new Api.Lifecycle.DisruptionController(storage),
        };
        // Pods reach kube-apiserver through Service default/kubernetes (10.96.0.1:443 → 172.18.0.2:6443 → this listener).
        cluster.inClusterHttp = cluster.CreateHttpClient(anonymous: true);
        var inCluster = new Network.ApiServerEndpoint(cluster.inClusterHttp);
        dataPlane.Network.ApiServer = inCluster.HandleAsync;
        dataPlane.Network.ApiServerCaPem = pki.CaPem;
        dataPlane.Network.ApiServerNames = ClusterPki.ServingNames(ControlPlaneNode, [ControlPlaneIp]);
        try
        {
            var clients = cluster.CreateControlPlaneClients();
            cluster.controllers = await ControllerRuntime.ControllerManager.StartAsync(clients, clock, dataPlane, ct);
            cluster.hostPorts = Network.HostPorts.HostPortForwarder.Start(options.HostPortMappings, dataPlane.Network, clock, Console.Error);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        if (hostPorts is not null) await hostPorts.DisposeAsync();
        if (controllers is not null) await controllers.DisposeAsync();
        controllerClients?.Dispose();
        foreach (var c in componentClients) c.Dispose();
        inClusterHttp?.Dispose();
        inProcess?.Dispose();
        await gc.DisposeAsync();
        if (crdController is not null) await crdController.DisposeAsync();
        if (serviceAccountControllers is not null) await serviceAccountControllers.DisposeAsync();
        if (quotaController is not null) await quotaController.DisposeAsync();
        if (disruptionController is not null) await disruptionController.DisposeAsync();
        await shutdown.CancelAsync();
        await app.StopAsync();
        await app.DisposeAsync();
        shutdown.Dispose();
    }
}
