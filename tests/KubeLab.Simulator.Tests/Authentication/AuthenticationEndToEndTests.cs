using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Api.Authentication;

namespace KubeLab.Simulator.Tests.Authentication;

/// <summary>Who the API server thinks you are: kubectl and raw HTTPS against the simulator's authentication chain.</summary>
public sealed class AuthenticationEndToEndTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private const string Unauthorized = """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""";

    private async Task<string> NewServiceAccountAsync(string ns, string name = "robot")
    {
        await f.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new() { Name = name } }, ns);
        return name;
    }

    private static async Task<(HttpStatusCode Status, string Body)> WhoAmIAsync(HttpClient http)
    {
        using var response = await http.PostAsync("/apis/authentication.k8s.io/v1/selfsubjectreviews",
            new StringContent("""{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}""", Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Kubectl_auth_whoami_shows_the_kubeadm_admin_from_the_client_certificate()
    {
        var r = await f.KubectlOkAsync("auth", "whoami");
        Assert.Matches(@"Username\s+kubernetes-admin", r.Stdout);
        Assert.Matches(@"Groups\s+\[kubeadm:cluster-admins system:authenticated\]", r.Stdout);
        Assert.Matches(@"authentication.kubernetes.io/credential-id\s+\[X509SHA256=[0-9a-f]{64}\]", r.Stdout);

        var yaml = await f.KubectlOkAsync("auth", "whoami", "-o", "yaml");
        Assert.Contains("apiVersion: authentication.k8s.io/v1", yaml.Stdout);
        Assert.Contains("kind: SelfSubjectReview", yaml.Stdout);
        Assert.Contains("username: kubernetes-admin", yaml.Stdout);
    }

    [Fact]
    public async Task The_kubeconfig_carries_the_cluster_CA_and_a_client_certificate_not_a_token()
    {
        Assert.DoesNotContain("token:", f.Cluster.KubeconfigYaml);
        Assert.Contains("certificate-authority-data:", f.Cluster.KubeconfigYaml);
        Assert.Contains("client-certificate-data:", f.Cluster.KubeconfigYaml);
        Assert.Equal("https", f.Cluster.Url.Scheme);
        Assert.Equal("CN=kubernetes", f.Cluster.Pki.CaCertificate.Subject);
    }

    [Fact]
    public async Task Create_token_issues_an_RS256_JWT_with_upstreams_claims_that_authenticates_as_the_service_account()
    {
        var ns = await f.NewNamespaceAsync("tok");
        var sa = await NewServiceAccountAsync(ns);
        var saUid = (await f.Client.CoreV1.ReadNamespacedServiceAccountAsync(sa, ns)).Metadata.Uid;
        var token = (await f.KubectlOkAsync("create", "token", sa, "-n", ns, "--duration=20m")).Stdout.Trim();

        var header = (JsonObject)JsonNode.Parse(Jwt.FromBase64Url(token.Split('.')[0]))!;
        Assert.Equal("RS256", header["alg"]!.ToString());
        var claims = AuthenticationKubectl.Claims(token);
        Assert.Equal("https://kubernetes.default.svc.cluster.local", claims["iss"]!.ToString());
        Assert.Equal("https://kubernetes.default.svc.cluster.local", claims["aud"]![0]!.ToString());
        Assert.Equal($"system:serviceaccount:{ns}:{sa}", claims["sub"]!.ToString());
        Assert.Equal(1200, claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>());
        Assert.Equal(claims["iat"]!.GetValue<long>(), claims["nbf"]!.GetValue<long>());
        Assert.True(Guid.TryParse(claims["jti"]!.ToString(), out _));
        Assert.Equal(ns, claims["kubernetes.io"]!["namespace"]!.ToString());
        Assert.Equal(sa, claims["kubernetes.io"]!["serviceaccount"]!["name"]!.ToString());
        Assert.Equal(saUid, claims["kubernetes.io"]!["serviceaccount"]!["uid"]!.ToString());

        var who = await AuthenticationKubectl.RunAsync(AuthenticationKubectl.WithToken(f.Cluster, token), "auth", "whoami", "-o", "json");
        Assert.True(who.ExitCode == 0, who.ToString());
        var user = JsonNode.Parse(who.Stdout)!["status"]!["userInfo"]!;
        Assert.Equal($"system:serviceaccount:{ns}:{sa}", user["username"]!.ToString());
        Assert.Equal(saUid, user["uid"]!.ToString());
        Assert.Equal(["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"], user["groups"]!.AsArray().Select(g => g!.ToString()));
        Assert.Equal("JTI=" + claims["jti"], user["extra"]!["authentication.kubernetes.io/credential-id"]![0]!.ToString());
    }

    [Fact]
    public async Task Create_token_honours_audience_and_rejects_a_duration_under_ten_minutes()
    {
        var ns = await f.NewNamespaceAsync("tok");
        var sa = await NewServiceAccountAsync(ns);
        var token = (await f.KubectlOkAsync("create", "token", sa, "-n", ns, "--audience=vault")).Stdout.Trim();
        var claims = AuthenticationKubectl.Claims(token);
        Assert.Equal("vault", claims["aud"]![0]!.ToString());
        Assert.Equal(3600, claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>());
        // A token for another audience is not one for the API server.
        using var http = f.Cluster.CreateHttpClient(bearerToken: token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WhoAmIAsync(http)).Status);

        var shortLived = await f.KubectlAsync("create", "token", sa, "-n", ns, "--duration=5m");
        Assert.NotEqual(0, shortLived.ExitCode);
        Assert.Contains($"TokenRequest.authentication.k8s.io \"{sa}\" is invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes", shortLived.Stderr);

        var missing = await f.KubectlAsync("create", "token", "nobody", "-n", ns);
        Assert.Contains("serviceaccounts \"nobody\" not found", missing.Stderr);
    }

    [Fact]
    public async Task A_pod_bound_token_names_pod_and_node_and_dies_with_the_pod()
    {
        var ns = await f.NewNamespaceAsync("tok");
        var sa = await NewServiceAccountAsync(ns);
        var pod = Objects.Pod("holder");
        pod.Spec.ServiceAccountName = sa;
        pod.Spec.NodeName = "k8s-course-worker";
        var created = await f.Client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        var token = (await f.KubectlOkAsync("create", "token", sa, "-n", ns, "--bound-object-kind=Pod", "--bound-object-name=holder")).Stdout.Trim();
        var k8sClaim = AuthenticationKubectl.Claims(token)["kubernetes.io"]!;
        Assert.Equal("holder", k8sClaim["pod"]!["name"]!.ToString());
        Assert.Equal(created.Metadata.Uid, k8sClaim["pod"]!["uid"]!.ToString());
        Assert.Equal("k8s-course-worker", k8sClaim["node"]!["name"]!.ToString());

        using (var http = f.Cluster.CreateHttpClient(bearerToken: token))
        {
            var (status, body) = await WhoAmIAsync(http);
            Assert.Equal(HttpStatusCode.Created, status);
            var extra = JsonNode.Parse(body)!["status"]!["userInfo"]!["extra"]!;
            Assert.Equal("holder", extra["authentication.kubernetes.io/pod-name"]![0]!.ToString());
            Assert.Equal(created.Metadata.Uid, extra["authentication.kubernetes.io/pod-uid"]![0]!.ToString());
            Assert.Equal("k8s-course-worker", extra["authentication.kubernetes.io/node-name"]![0]!.ToString());
        }
        await f.Client.CoreV1.DeleteNamespacedPodAsync("holder", ns, new V1DeleteOptions { GracePeriodSeconds = 0 });
        await WaitGoneAsync(() => f.Client.CoreV1.ReadNamespacedPodAsync("holder", ns));
        await AuthenticationKubectl.OutliveTokenCacheAsync(f.Cluster);
        using (var http = f.Cluster.CreateHttpClient(bearerToken: token))
        {
            var (status, body) = await WhoAmIAsync(http);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal(Unauthorized, body.Trim());
        }

        var wrongSa = await f.KubectlAsync("create", "token", "default-less", "-n", ns, "--bound-object-kind=Pod", "--bound-object-name=holder");
        Assert.NotEqual(0, wrongSa.ExitCode);
    }

    private static async Task WaitGoneAsync(Func<Task> read)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await Objects.StatusOf(read) == 404) return;
            await Task.Delay(100);
        }
        Assert.Fail("object was not deleted");
    }

    [Fact]
    public async Task A_deleted_service_accounts_token_is_refused_with_401_even_when_recreated()
    {
        var ns = await f.NewNamespaceAsync("tok");
        var sa = await NewServiceAccountAsync(ns);
        var token = (await f.KubectlOkAsync("create", "token", sa, "-n", ns)).Stdout.Trim();
        var config = AuthenticationKubectl.WithToken(f.Cluster, token);
        Assert.Equal(0, (await AuthenticationKubectl.RunAsync(config, "auth", "whoami")).ExitCode);

        await f.KubectlOkAsync("delete", "serviceaccount", sa, "-n", ns);
        await AuthenticationKubectl.OutliveTokenCacheAsync(f.Cluster);
        var gone = await AuthenticationKubectl.RunAsync(config, "get", "pods", "-n", ns);
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains(AuthenticationKubectl.Unauthorized, gone.Stderr);

        // Same name, new uid: the old token names the old uid.
        await NewServiceAccountAsync(ns, sa);
        Assert.Contains("(Unauthorized)", (await AuthenticationKubectl.RunAsync(config, "auth", "whoami")).Stderr);
    }

    [Fact]
    public async Task A_token_that_authenticated_is_trusted_for_ten_seconds_after_its_service_account_is_deleted()
    {
        // kube-apiserver's token cache (TokenSuccessCacheTTL = 10 s): within that time a known token is not checked again.
        var ns = await f.NewNamespaceAsync("tok");
        var sa = await NewServiceAccountAsync(ns);
        var token = (await f.KubectlOkAsync("create", "token", sa, "-n", ns)).Stdout.Trim();
        using var http = f.Cluster.CreateHttpClient(bearerToken: token);
        var cachedAt = f.Cluster.Clock.GetUtcNow();
        Assert.Equal(HttpStatusCode.Created, (await WhoAmIAsync(http)).Status);
        await f.Client.CoreV1.DeleteNamespacedServiceAccountAsync(sa, ns);
        var (status, body) = await WhoAmIAsync(http);
        var elapsed = f.Cluster.Clock.GetUtcNow() - cachedAt;
        Assert.True(elapsed < CachedTokenAuthenticator.SuccessTtl, $"the check came {elapsed.TotalSeconds:F1} s after the token was cached");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Contains($"system:serviceaccount:{ns}:{sa}", body);

        await AuthenticationKubectl.OutliveTokenCacheAsync(f.Cluster);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WhoAmIAsync(http)).Status);
    }

    [Fact]
    public async Task A_forged_token_is_401_Unauthorized_not_anonymous()
    {
        var ns = await f.NewNamespaceAsync("tok");
        var sa = await NewServiceAccountAsync(ns);
        var token = (await f.KubectlOkAsync("create", "token", sa, "-n", ns)).Stdout.Trim();
        // Same header and signature, claims changed to another service account: the signature no longer matches.
        var parts = token.Split('.');
        var claims = AuthenticationKubectl.Claims(token);
        claims["sub"] = "system:serviceaccount:kube-system:default";
        var forged = parts[0] + "." + Jwt.Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString())) + "." + parts[2];

        var r = await AuthenticationKubectl.RunAsync(AuthenticationKubectl.WithToken(f.Cluster, forged), "get", "pods", "-n", ns);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(AuthenticationKubectl.Unauthorized, r.Stderr);

        using var http = f.Cluster.CreateHttpClient(bearerToken: "not-a-jwt");
        var (status, body) = await WhoAmIAsync(http);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(Unauthorized, body.Trim());
    }

    [Fact]
    public async Task A_client_certificate_from_another_CA_is_401()
    {
        using var otherPki = ClusterPki.Create(DateTimeOffset.UtcNow);
        using var foreign = otherPki.IssueClientCertificate("kubernetes-admin", ["kubeadm:cluster-admins"], DateTimeOffset.UtcNow);
        var (certPem, keyPem) = ClusterPki.ToPem(foreign);
        static string B64(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));
        var config = AuthenticationKubectl.WithUser(f.Cluster, $"    client-certificate-data: {B64(certPem)}\n    client-key-data: {B64(keyPem)}\n");
        var r = await AuthenticationKubectl.RunAsync(config, "get", "namespaces");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(AuthenticationKubectl.Unauthorized, r.Stderr);

        using var http = f.Cluster.CreateHttpClient(clientCertificate: foreign);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WhoAmIAsync(http)).Status);
    }

    [Fact]
    public async Task A_request_without_credentials_is_system_anonymous()
    {
        // Anonymous is not system:authenticated, so system:basic-user (which allows SelfSubjectReview) does not apply: the 403
        // names the user the authenticator found.
        using var http = f.Cluster.CreateHttpClient(anonymous: true);
        var (status, body) = await WhoAmIAsync(http);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("selfsubjectreviews.authentication.k8s.io is forbidden: User \"system:anonymous\" cannot create resource \"selfsubjectreviews\" " +
                     "in API group \"authentication.k8s.io\" at the cluster scope", JsonNode.Parse(body)!["message"]!.ToString());
        using var version = await http.GetAsync(f.Cluster.Url + "version");
        Assert.Equal(HttpStatusCode.OK, version.StatusCode); // system:public-info-viewer is bound to system:unauthenticated

        // kubectl with a credential-less user prompts for a password, so it is asked with a basic-auth user: kube-apiserver
        // has no basic-auth authenticator since 1.19, so that header is no credential and the request is anonymous.
        // A fresh discovery cache: with a cached one (ports are reused between runs) kubectl skips discovery and gets the pods 403.
        var cache = Directory.CreateTempSubdirectory("kubectl-cache-").FullName;
        var r = await AuthenticationKubectl.RunAsync(AuthenticationKubectl.WithUser(f.Cluster, "    username: someone\n    password: secret\n"),
            "get", "pods", "-n", "default", "--cache-dir", cache);
        Directory.Delete(cache, recursive: true);
        Assert.NotEqual(0, r.ExitCode);
        // Discovery (/api) is forbidden to anonymous, and kubectl's aggregated-discovery client cannot read the Status it gets:
        // real kubectl prints "couldn't get current server API group list: unknown" and "Error from server (Forbidden): unknown".
        Assert.Contains("couldn't get current server API group list: unknown", r.Stderr);
        Assert.Contains("Error from server (Forbidden): unknown", r.Stderr);
    }

    [Fact]
    public async Task TokenReview_answers_for_valid_and_invalid_tokens()
    {
        var ns = await f.NewNamespaceAsync("tok");
        var sa = await NewServiceAccountAsync(ns);
        var token = (await f.KubectlOkAsync("create", "token", sa, "-n", ns)).Stdout.Trim();
        var review = new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenReview", ["spec"] = new JsonObject { ["token"] = token } };
        var (status, body) = await f.SendAsync(HttpMethod.Post, "/apis/authentication.k8s.io/v1/tokenreviews", review.ToJsonString());
        Assert.Equal(201, status);
        Assert.True(body!["status"]!["authenticated"]!.GetValue<bool>());
        Assert.Equal($"system:serviceaccount:{ns}:{sa}", body["status"]!["user"]!["username"]!.ToString());

        review["spec"]!["token"] = token[..^4] + "AAAA";
        (status, body) = await f.SendAsync(HttpMethod.Post, "/apis/authentication.k8s.io/v1/tokenreviews", review.ToJsonString());
        Assert.Equal(201, status);
        Assert.False(body!["status"]!["authenticated"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(body["status"]!["error"]?.ToString()));
    }

    [Fact]
    public async Task A_secret_bound_token_dies_with_the_secret_and_a_stale_uid_is_a_conflict()
    {
        var ns = await f.NewNamespaceAsync("tok");
        var sa = await NewServiceAccountAsync(ns);
        await f.KubectlOkAsync("create", "secret", "generic", "anchor", "-n", ns, "--from-literal=k=v");
        var token = (await f.KubectlOkAsync("create", "token", sa, "-n", ns, "--bound-object-kind=Secret", "--bound-object-name=anchor")).Stdout.Trim();
        Assert.Equal("anchor", AuthenticationKubectl.Claims(token)["kubernetes.io"]!["secret"]!["name"]!.ToString());
        var config = AuthenticationKubectl.WithToken(f.Cluster, token);
        Assert.Equal(0, (await AuthenticationKubectl.RunAsync(config, "auth", "whoami")).ExitCode);
        await f.KubectlOkAsync("delete", "secret", "anchor", "-n", ns);
        await AuthenticationKubectl.OutliveTokenCacheAsync(f.Cluster);
        Assert.Contains("(Unauthorized)", (await AuthenticationKubectl.RunAsync(config, "auth", "whoami")).Stderr);

        await f.KubectlOkAsync("create", "secret", "generic", "anchor", "-n", ns, "--from-literal=k=v");
        var request = new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenRequest",
            ["spec"] = new JsonObject { ["boundObjectRef"] = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["name"] = "anchor", ["uid"] = "00000000-0000-0000-0000-000000000000" } },
        };
        var (status, body) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/serviceaccounts/{sa}/token", request.ToJsonString());
        Assert.Equal(409, status);
        Assert.Contains("the UID in the bound object reference (00000000-0000-0000-0000-000000000000) does not match the UID in record", body!["message"]!.ToString());
    }

    [Fact]
    public async Task The_clock_endpoint_is_read_through_the_kubeconfig()
    {
        var r = await f.KubectlOkAsync("get", "--raw", "/kubelab/v1/clock");
        Assert.Contains("speed", r.Stdout);
    }

    [Fact]
    public async Task Discovery_lists_the_token_subresource_and_the_reviews()
    {
        var core = await f.KubectlOkAsync("get", "--raw", "/api/v1");
        Assert.Contains("\"name\":\"serviceaccounts/token\"", core.Stdout);
        var r = await f.KubectlOkAsync("api-resources", "--api-group=authentication.k8s.io");
        Assert.Contains("selfsubjectreviews", r.Stdout);
        Assert.Contains("tokenreviews", r.Stdout);
    }
}
