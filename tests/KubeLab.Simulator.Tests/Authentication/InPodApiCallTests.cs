using System.Text.Json.Nodes;
using KubeLab.Simulator.Tests.EndToEnd;

namespace KubeLab.Simulator.Tests.Authentication;

/// <summary>
/// A Pod calling the API with its projected service-account token: https://kubernetes.default.svc → 10.96.0.1:443 →
/// 172.18.0.2:6443 → the real API server, which authenticates the token the kubelet got from TokenRequest.
/// </summary>
public sealed class InPodApiCallTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    private const string Sa = "/var/run/secrets/kubernetes.io/serviceaccount";

    [Fact]
    public async Task A_pod_calls_the_api_server_with_its_mounted_token_and_ca()
    {
        var ns = await f.NewNamespaceAsync("inpod");
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: reader
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: caller
            spec:
              serviceAccountName: reader
              containers:
              - name: main
                image: registry.k8s.io/e2e-test-images/agnhost:2.53
                args: ["pause"]
                volumeMounts:
                - name: kube-api-access
                  mountPath: /var/run/secrets/kubernetes.io/serviceaccount
                  readOnly: true
              volumes:
              - name: kube-api-access
                projected:
                  sources:
                  - serviceAccountToken:
                      path: token
                      expirationSeconds: 3607
                  - configMap:
                      name: kube-root-ca.crt
                      items:
                      - key: ca.crt
                        path: ca.crt
                  - downwardAPI:
                      items:
                      - path: namespace
                        fieldRef:
                          fieldPath: metadata.namespace
            """);
        await f.WaitForRunningAsync(ns, "caller");

        var caCrt = await f.ExecAsync(null, "exec", "caller", "-n", ns, "--", "cat", Sa + "/ca.crt");
        Assert.Equal(f.Cluster.CaCertificatePem, caCrt.Stdout);
        var token = (await f.ExecAsync(null, "exec", "caller", "-n", ns, "--", "cat", Sa + "/token")).Stdout;
        var claims = AuthenticationKubectl.Claims(token);
        Assert.Equal("caller", claims["kubernetes.io"]!["pod"]!["name"]!.ToString());
        // The kubelet's 3607 s token is extended to a year and warns after 3607 s (--service-account-extend-token-expiration).
        Assert.Equal(365L * 24 * 3600, claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>());
        Assert.Equal(claims["iat"]!.GetValue<long>() + 3607, claims["kubernetes.io"]!["warnafter"]!.GetValue<long>());

        var listPods = $"curl -s --cacert {Sa}/ca.crt -H \"Authorization: Bearer $(cat {Sa}/token)\" https://kubernetes.default.svc/api/v1/namespaces/$(cat {Sa}/namespace)/pods";
        // Authenticated, but RBAC grants a new ServiceAccount nothing: the API server's 403 Status.
        var refused = JsonNode.Parse((await f.ExecAsync(null, "exec", "caller", "-n", ns, "--", "sh", "-c", listPods)).Stdout)!;
        Assert.Equal(403, refused["code"]!.GetValue<int>());
        Assert.Equal($"pods is forbidden: User \"system:serviceaccount:{ns}:reader\" cannot list resource \"pods\" in API group \"\" in the namespace \"{ns}\"",
            refused["message"]!.ToString());
        await f.ApplyAsync(ns, $$"""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: pod-reader
            rules:
            - apiGroups: [""]
              resources: ["pods"]
              verbs: ["list"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: reader
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
            subjects:
            - {kind: ServiceAccount, name: reader, namespace: {{ns}}}
            """);
        var list = await f.ExecAsync(null, "exec", "caller", "-n", ns, "--", "sh", "-c", listPods);
        Assert.True(list.ExitCode == 0, list.ToString());
        var pods = JsonNode.Parse(list.Stdout)!;
        Assert.Equal("PodList", pods["kind"]!.ToString());
        Assert.Contains(pods["items"]!.AsArray(), p => p!["metadata"]!["name"]!.ToString() == "caller");

        var who = await f.ExecAsync(null, "exec", "caller", "-n", ns, "--", "sh", "-c",
            $"curl -s --cacert {Sa}/ca.crt -H \"Authorization: Bearer $(cat {Sa}/token)\" -H 'Content-Type: application/json' " +
            "-d '{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}' https://kubernetes.default.svc/apis/authentication.k8s.io/v1/selfsubjectreviews");
        var user = JsonNode.Parse(who.Stdout)!["status"]!["userInfo"]!;
        Assert.Equal($"system:serviceaccount:{ns}:reader", user["username"]!.ToString());
        Assert.Equal("caller", user["extra"]!["authentication.kubernetes.io/pod-name"]![0]!.ToString());

        // Without the cluster CA curl does not trust the server; a wrong token is the API server's 401.
        var untrusted = await f.ExecAsync(null, "exec", "caller", "-n", ns, "--", "curl", "-sS", "https://kubernetes.default.svc/api");
        Assert.Equal(60, untrusted.ExitCode);
        Assert.Contains("curl: (60) SSL certificate problem: unable to get local issuer certificate", untrusted.Stderr);
        var forged = await f.ExecAsync(null, "exec", "caller", "-n", ns, "--", "curl", "-s", "--cacert", Sa + "/ca.crt",
            "-H", "Authorization: Bearer forged", "https://10.96.0.1/api");
        Assert.Contains("\"reason\":\"Unauthorized\"", forged.Stdout);
    }
}
