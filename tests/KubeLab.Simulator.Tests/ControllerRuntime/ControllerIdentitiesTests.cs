using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Tests.Authorization;

namespace KubeLab.Simulator.Tests.ControllerRuntime;

/// <summary>
/// The control plane's own identities, as kubeadm sets them up on kind: kube-controller-manager with
/// --use-service-account-credentials (one service account per controller in kube-system), kube-scheduler as
/// system:kube-scheduler, and none of them in system:masters – so the bootstrap roles alone must let them work.
/// </summary>
public sealed class ControllerIdentitiesTests(AuthorizationFixture fx) : IClassFixture<AuthorizationFixture>
{
    private static readonly string[] KubeSystemSaGroups = ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"];

    private static V1Deployment Web(string name, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx:1.27.0" }] },
            },
        },
    };

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, int seconds = 60) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_deployment_becomes_available_with_every_component_under_rbac()
    {
        var ns = await fx.NewNamespaceAsync("ids");
        await fx.Client.AppsV1.CreateNamespacedDeploymentAsync(Web("web", 2), ns);
        await EventuallyAsync(async () =>
        {
            var d = await fx.Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
            return d.Status?.AvailableReplicas == 2 && d.Status.UpdatedReplicas == 2 ? d : null;
        }, "Deployment web to be Available");

        // The controllers' service accounts, created by kube-controller-manager as on kind.
        foreach (var sa in new[] { "deployment-controller", "replicaset-controller", "endpointslice-controller", "job-controller", "generic-garbage-collector" })
            Assert.Equal(sa, (await fx.Client.CoreV1.ReadNamespacedServiceAccountAsync(sa, "kube-system")).Metadata.Name);

        // Their Events are accepted (the deployment controller's ScalingReplicaSet, the scheduler's Scheduled).
        var events = await EventuallyAsync(async () =>
        {
            var list = (await fx.Client.CoreV1.ListNamespacedEventAsync(ns)).Items;
            return list.Any(e => e.Reason == "ScalingReplicaSet") && list.Count(e => e.Reason == "Scheduled") >= 2 ? list : null;
        }, "the controllers' Events");
        Assert.Contains(events, e => e.Reason == "ScalingReplicaSet" && e.ReportingComponent == "deployment-controller" && e.Source.Component == "deployment-controller");
        Assert.Contains(events, e => e.Reason == "Scheduled" && e.ReportingComponent == "default-scheduler");
        Assert.Contains(events, e => e.Reason == "SuccessfulCreate" && e.ReportingComponent == "replicaset-controller");
    }

    [Fact]
    public async Task Each_controller_is_allowed_what_its_bootstrap_role_grants_and_no_more()
    {
        const string deploymentController = "system:serviceaccount:kube-system:deployment-controller";
        Assert.True((bool)(await fx.ReviewAsync(deploymentController, KubeSystemSaGroups, "create", "apps", "replicasets", "default"))["allowed"]!);
        Assert.False((bool?)(await fx.ReviewAsync(deploymentController, KubeSystemSaGroups, "delete", "", "nodes"))["allowed"] ?? false);
        // update, not patch, on the status subresource (the simulator's controllers PUT their status, as upstream).
        Assert.True((bool)(await fx.ReviewAsync(deploymentController, KubeSystemSaGroups, "update", "apps", "deployments", "default", subresource: "status"))["allowed"]!);
        Assert.False((bool?)(await fx.ReviewAsync(deploymentController, KubeSystemSaGroups, "patch", "apps", "deployments", "default", subresource: "status"))["allowed"] ?? false);

        // kube-controller-manager itself is no longer in system:masters: it may list and watch, not create workloads.
        Assert.Empty(SimulatedCluster.ControllerGroups);
        Assert.False((bool?)(await fx.ReviewAsync(SimulatedCluster.ControllerUser, ["system:authenticated"], "create", "apps", "deployments", "default"))["allowed"] ?? false);
        Assert.True((bool)(await fx.ReviewAsync(SimulatedCluster.ControllerUser, ["system:authenticated"], "watch", "", "pods"))["allowed"]!);
        Assert.True((bool)(await fx.ReviewAsync(SimulatedCluster.ControllerUser, ["system:authenticated"], "create", "", "serviceaccounts", "kube-system", "x", "token"))["allowed"]!);

        // kube-scheduler binds pods and writes pod conditions, nothing else.
        Assert.True((bool)(await fx.ReviewAsync(SimulatedCluster.SchedulerUser, ["system:authenticated"], "create", "", "pods", "default", "p", "binding"))["allowed"]!);
        Assert.False((bool?)(await fx.ReviewAsync(SimulatedCluster.SchedulerUser, ["system:authenticated"], "create", "", "pods", "default"))["allowed"] ?? false);
    }

    [Fact]
    public async Task Every_started_controller_has_its_bootstrap_role_and_binding()
    {
        var names = await EventuallyAsync(() => Task.FromResult(fx.Cluster.ControllerServiceAccounts.Count >= 15 ? fx.Cluster.ControllerServiceAccounts : null),
            "the controllers' clients");
        foreach (var name in names)
        {
            Assert.Contains(name, KubeLab.Simulator.Api.Authorization.BootstrapPolicy.ControllerNames);
            var binding = await fx.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync("system:controller:" + name);
            Assert.Equal("system:controller:" + name, binding.RoleRef.Name);
            var subject = Assert.Single(binding.Subjects);
            Assert.Equal(("ServiceAccount", name, "kube-system"), (subject.Kind, subject.Name, subject.NamespaceProperty));
        }
    }

    [Fact]
    public async Task Without_its_binding_the_replicaset_controller_is_forbidden_to_create_pods()
    {
        var ns = await fx.NewNamespaceAsync("ids");
        const string bindingName = "system:controller:replicaset-controller";
        var binding = await fx.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync(bindingName);
        await fx.Client.RbacAuthorizationV1.DeleteClusterRoleBindingAsync(bindingName);
        try
        {
            var rs = new V1ReplicaSet
            {
                Metadata = new V1ObjectMeta { Name = "lonely" },
                Spec = new V1ReplicaSetSpec
                {
                    Replicas = 1,
                    Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "lonely" } },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "lonely" } },
                        Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx:1.27.0" }] },
                    },
                },
            };
            await fx.Client.AppsV1.CreateNamespacedReplicaSetAsync(rs, ns);
            // What the controller's requests get now: a 403 in kube-apiserver's wording, for its service account.
            var pod = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = new JsonObject { ["generateName"] = "lonely-" },
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "nginx:1.27.0" }) } };
            var (status, body) = await fx.AsAsync("system:serviceaccount:kube-system:replicaset-controller", KubeSystemSaGroups, HttpMethod.Post,
                $"/api/v1/namespaces/{ns}/pods", pod.ToJsonString());
            Assert.Equal(403, status);
            Assert.Contains("User \"system:serviceaccount:kube-system:replicaset-controller\" cannot create resource \"pods\"", body?["message"]?.ToString());
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Empty((await fx.Client.CoreV1.ListNamespacedPodAsync(ns)).Items);
        }
        finally
        {
            binding.Metadata.ResourceVersion = null;
            binding.Metadata.Uid = null;
            binding.Metadata.CreationTimestamp = null;
            binding.Metadata.ManagedFields = null;
            await fx.Client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(binding);
        }
        // With the binding back, the controller's retry creates the pod.
        await EventuallyAsync(async () => (await fx.Client.CoreV1.ListNamespacedPodAsync(ns)).Items.FirstOrDefault(), "the ReplicaSet's pod");
    }

    [Fact]
    public async Task A_deleted_controller_service_account_is_recreated_on_the_next_401()
    {
        var ns = await fx.NewNamespaceAsync("ids");
        await EventuallyAsync(async () =>
        {
            try { return await fx.Client.CoreV1.ReadNamespacedServiceAccountAsync("deployment-controller", "kube-system"); }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { return null; }
        }, "the deployment-controller service account");
        var before = (await fx.Client.CoreV1.ReadNamespacedServiceAccountAsync("deployment-controller", "kube-system")).Metadata.Uid;
        await fx.Client.CoreV1.DeleteNamespacedServiceAccountAsync("deployment-controller", "kube-system");
        await Authentication.AuthenticationKubectl.OutliveTokenCacheAsync(fx.Cluster);

        // The old token no longer authenticates (once kube-apiserver's 10 s token cache has let it go); the 401 drops it and the
        // controller's retry gets a token for a new account.
        await fx.Client.AppsV1.CreateNamespacedDeploymentAsync(Web("again", 1), ns);
        await EventuallyAsync(async () =>
        {
            var d = await fx.Client.AppsV1.ReadNamespacedDeploymentAsync("again", ns);
            return d.Status?.AvailableReplicas == 1 ? d : null;
        }, "Deployment again to be Available");
        var after = await fx.Client.CoreV1.ReadNamespacedServiceAccountAsync("deployment-controller", "kube-system");
        Assert.NotEqual(before, after.Metadata.Uid);
    }

    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;
        public void Advance(TimeSpan by) { lock (this) now += by; }
        public override DateTimeOffset GetUtcNow() { lock (this) return now; }
    }

    [Fact]
    public async Task A_controller_token_is_reused_until_80_percent_of_its_hour_and_then_renewed()
    {
        var clock = new ManualTime(fx.Cluster.Clock.GetUtcNow());
        var source = new ControllerClientBuilder.ServiceAccountTokenSource(fx.Client, "token-refresh-probe", clock);
        var first = (await source.GetAuthenticationHeaderAsync(CancellationToken.None)).Parameter!;
        Assert.Equal("token-refresh-probe", (await fx.Client.CoreV1.ReadNamespacedServiceAccountAsync("token-refresh-probe", "kube-system")).Metadata.Name);
        clock.Advance(TimeSpan.FromMinutes(47));
        Assert.Equal(first, (await source.GetAuthenticationHeaderAsync(CancellationToken.None)).Parameter);
        clock.Advance(TimeSpan.FromMinutes(2));
        var second = (await source.GetAuthenticationHeaderAsync(CancellationToken.None)).Parameter!;
        Assert.NotEqual(first, second);

        // The token authenticates as the service account.
        var (user, error) = fx.Cluster.AuthenticateToken(second);
        Assert.Null(error);
        Assert.Equal("system:serviceaccount:kube-system:token-refresh-probe", user!.Name);
        await fx.Client.CoreV1.DeleteNamespacedServiceAccountAsync("token-refresh-probe", "kube-system");
    }
}
