using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;

namespace KubeLab.Simulator.Tests;

/// <summary>The real kubectl (v1.32 on PATH) against the simulator, through a kubeconfig written by WriteKubeconfig.</summary>
public partial class KubectlTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    [GeneratedRegex(" {2,}")] private static partial Regex ColumnGap();

    private static string[] Header(KubectlResult r) => ColumnGap().Split(r.Lines[0].Trim());

    private static string PodYaml(string name, string env) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
          labels:
            app: {name}
            env: {env}
        spec:
          containers:
          - name: web
            image: nginx:1.27
            ports:
            - containerPort: 80
        """;

    [Fact]
    public async Task Apply_creates_then_configures_then_reports_unchanged()
    {
        var ns = await f.NewNamespaceAsync("kc");
        var created = await f.KubectlWithInputAsync(PodYaml("web", "a"), "apply", "-n", ns, "-f", "-");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal("pod/web created", created.Stdout.Trim());

        var configured = await f.KubectlWithInputAsync(PodYaml("web", "b"), "apply", "-n", ns, "-f", "-");
        Assert.True(configured.ExitCode == 0, configured.ToString());
        Assert.Equal("pod/web configured", configured.Stdout.Trim());
        var pod = await f.Client.CoreV1.ReadNamespacedPodAsync("web", ns);
        Assert.Equal("b", pod.Metadata.Labels["env"]);
        Assert.Contains("kubectl.kubernetes.io/last-applied-configuration", pod.Metadata.Annotations.Keys);

        var unchanged = await f.KubectlWithInputAsync(PodYaml("web", "b"), "apply", "-n", ns, "-f", "-");
        Assert.True(unchanged.ExitCode == 0, unchanged.ToString());
        Assert.Equal("pod/web unchanged", unchanged.Stdout.Trim());
    }

    [Fact]
    public async Task Get_pods_prints_the_real_columns_including_wide()
    {
        var ns = await f.NewNamespaceAsync("kc");
        await f.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("p1"), ns);
        var plain = await f.KubectlAsync("get", "pods", "-n", ns);
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], Header(plain));
        Assert.StartsWith("p1", plain.Lines[1]);
        Assert.Matches(@"^p1\s+\d/1\s+\S+\s+0\s+\d+s$", plain.Lines[1].Trim());

        var wide = await f.KubectlAsync("get", "pods", "-n", ns, "-o", "wide");
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"], Header(wide));
    }

    [Fact]
    public async Task Get_pods_with_equality_and_set_based_selectors()
    {
        var ns = await f.NewNamespaceAsync("kc");
        await f.KubectlWithInputAsync(PodYaml("pa", "a") + "\n---\n" + PodYaml("pb", "b") + "\n---\n" + PodYaml("pc", "c"), "apply", "-n", ns, "-f", "-");
        var eq = await f.KubectlAsync("get", "pods", "-n", ns, "--selector=app=pa", "-o", "name");
        Assert.Equal(["pod/pa"], eq.Lines);
        var set = await f.KubectlAsync("get", "pods", "-n", ns, "--selector=env in (a,b)", "-o", "name");
        Assert.Equal(["pod/pa", "pod/pb"], set.Lines);
        var notIn = await f.KubectlAsync("get", "pods", "-n", ns, "-l", "env notin (a,b)", "-o", "name");
        Assert.Equal(["pod/pc"], notIn.Lines);
    }

    [Fact]
    public async Task Get_rs_nodes_and_multiple_kinds()
    {
        var ns = await f.NewNamespaceAsync("kc");
        await f.Client.AppsV1.CreateNamespacedReplicaSetAsync(CrudTests.ReplicaSet("rs1"), ns);
        var rs = await f.KubectlAsync("get", "rs", "-n", ns);
        Assert.True(rs.ExitCode == 0, rs.ToString());
        Assert.Equal(["NAME", "DESIRED", "CURRENT", "READY", "AGE"], Header(rs));
        Assert.StartsWith("rs1 ", rs.Lines[1]);

        var rsWide = await f.KubectlAsync("get", "rs", "-n", ns, "-o", "wide");
        Assert.Equal(["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"], Header(rsWide));
        Assert.EndsWith("app nginx:1.27 app=rs1", ColumnGap().Replace(rsWide.Lines[1].Trim(), " "));

        var nodes = await f.KubectlAsync("get", "nodes");
        Assert.Equal(["NAME", "STATUS", "ROLES", "AGE", "VERSION"], Header(nodes));
        Assert.Matches(@"^k8s-course-control-plane\s+Ready\s+control-plane\s+\S+\s+v1\.32\.\d+$", nodes.Lines[1].Trim());
        Assert.Matches(@"^k8s-course-worker\s+Ready\s+<none>\s+", nodes.Lines[2].Trim());

        var both = await f.KubectlAsync("get", "pods,rs", "-n", ns);
        Assert.True(both.ExitCode == 0, both.ToString());
        Assert.Contains(both.Lines, l => l.StartsWith("replicaset.apps/rs1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Describe_pod_shows_details_and_events()
    {
        var ns = await f.NewNamespaceAsync("kc");
        var pod = await f.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("described"), ns);
        await f.Client.CoreV1.CreateNamespacedEventAsync(new k8s.Models.Corev1Event
        {
            Metadata = new() { Name = "described.test" },
            InvolvedObject = new() { Kind = "Pod", Name = "described", NamespaceProperty = ns, Uid = pod.Metadata.Uid, ApiVersion = "v1" },
            Reason = "TestReason", Message = "hello from the test", Type = "Normal", Source = new() { Component = "tests" },
            FirstTimestamp = DateTime.UtcNow, LastTimestamp = DateTime.UtcNow, Count = 1,
        }, ns);
        var d = await f.KubectlAsync("describe", "pod", "described", "-n", ns);
        Assert.True(d.ExitCode == 0, d.ToString());
        Assert.Matches(@"(?m)^Name:\s+described$", d.Stdout);
        Assert.Matches($@"(?m)^Namespace:\s+{ns}$", d.Stdout);
        Assert.Contains("nginx:1.27", d.Stdout);
        Assert.Matches(@"(?m)^\s+Normal\s+TestReason\s+\S+\s+tests\s+hello from the test$", d.Stdout);
    }

    [Fact]
    public async Task Delete_pod_removes_it()
    {
        var ns = await f.NewNamespaceAsync("kc");
        await f.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("doomed"), ns);
        var del = await f.KubectlAsync("delete", "pod", "doomed", "-n", ns, "--timeout=20s");
        Assert.True(del.ExitCode == 0, del.ToString());
        Assert.Equal("pod \"doomed\" deleted", del.Stdout.Trim());
        var get = await f.KubectlAsync("get", "pod", "doomed", "-n", ns);
        Assert.NotEqual(0, get.ExitCode);
        Assert.Contains("Error from server (NotFound): pods \"doomed\" not found", get.Stderr);
    }

    [Fact]
    public async Task Get_pods_watch_prints_a_line_per_change()
    {
        var ns = await f.NewNamespaceAsync("kc");
        var pod = Objects.Pod("watched");
        pod.Spec.SchedulerName = "manual-scheduler";   // no simulated component touches it, so only our change produces a line
        await f.Client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        using var proc = f.StartKubectl("get", "pods", "-n", ns, "-w");
        try
        {
            var reader = proc.StandardOutput;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var header = await reader.ReadLineAsync(cts.Token);
            Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], ColumnGap().Split(header!.Trim()));
            Assert.Matches(@"^watched\s+0/1\s+Pending\s+0\s+\d+s$", (await reader.ReadLineAsync(cts.Token))!.Trim());

            await f.Client.CoreV1.PatchNamespacedPodStatusAsync(
                new k8s.Models.V1Patch("""{"status":{"phase":"Running","containerStatuses":[{"name":"app","image":"nginx:1.27","imageID":"","ready":true,"restartCount":0,"state":{"running":{}}}]}}""",
                    k8s.Models.V1Patch.PatchType.MergePatch), "watched", ns);
            var line = await reader.ReadLineAsync(cts.Token);
            Assert.Matches(@"^watched\s+1/1\s+Running\s+0\s+\d+s$", line!.Trim());
        }
        finally
        {
            proc.Kill(entireProcessTree: true);
            await proc.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Get_pod_json_round_trips_through_apply()
    {
        var ns = await f.NewNamespaceAsync("kc");
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("rt"), ns);
        var json = await f.KubectlAsync("get", "configmap", "rt", "-n", ns, "-o", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var obj = JsonNode.Parse(json.Stdout)!.AsObject();
        Assert.Equal("ConfigMap", obj["kind"]!.GetValue<string>());
        Assert.Equal("v", obj["data"]!["k"]!.GetValue<string>());

        obj["data"]!["k"] = "edited";
        var replaced = await f.KubectlWithInputAsync(obj.ToJsonString(), "replace", "-f", "-");
        Assert.True(replaced.ExitCode == 0, replaced.ToString());
        Assert.Equal("configmap/rt replaced", replaced.Stdout.Trim());
        Assert.Equal("edited", (await f.Client.CoreV1.ReadNamespacedConfigMapAsync("rt", ns)).Data["k"]);

        var list = await f.KubectlAsync("get", "pods", "-n", ns, "-o", "json");
        Assert.Equal("List", JsonNode.Parse(list.Stdout)!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_namespaces_and_services_have_their_columns()
    {
        var ns = await f.KubectlAsync("get", "namespaces");
        Assert.Equal(["NAME", "STATUS", "AGE"], Header(ns));
        Assert.Contains(ns.Lines, l => Regex.IsMatch(l, @"^kube-system\s+Active\s+"));
        var svc = await f.KubectlAsync("get", "svc", "-n", "default");
        Assert.Equal(["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], Header(svc));
        Assert.Matches(@"^kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443/TCP\s+", svc.Lines[1]);
    }

    [Fact]
    public async Task Kubectl_create_sends_protobuf_and_works_for_common_kinds()
    {
        var name = $"created-{Guid.NewGuid().ToString("N")[..6]}";
        var ns = await f.KubectlAsync("create", "namespace", name);
        Assert.True(ns.ExitCode == 0, ns.ToString());
        Assert.Equal($"namespace/{name} created", ns.Stdout.Trim());

        var cm = await f.KubectlAsync("create", "configmap", "settings", "--from-literal=color=blue", "-n", name);
        Assert.True(cm.ExitCode == 0, cm.ToString());
        Assert.Equal("blue", (await f.Client.CoreV1.ReadNamespacedConfigMapAsync("settings", name)).Data["color"]);

        var deploy = await f.KubectlAsync("create", "deployment", "web", "--image=nginx:1.27", "--replicas=3", "--port=80", "-n", name);
        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        var d = await f.Client.AppsV1.ReadNamespacedDeploymentAsync("web", name);
        Assert.Equal(3, d.Spec.Replicas);
        Assert.Equal("web", d.Spec.Selector.MatchLabels["app"]);
        Assert.Equal(80, d.Spec.Template.Spec.Containers.Single().Ports.Single().ContainerPort);
        Assert.Equal("nginx:1.27", d.Spec.Template.Spec.Containers.Single().Image);
    }

    [Fact]
    public async Task Apply_with_a_misspelled_field_fails_strict_field_validation()
    {
        var ns = await f.NewNamespaceAsync("kc");
        var typo = PodYaml("typo", "a").Replace("image: nginx", "imagee: nginx");
        var r = await f.KubectlWithInputAsync(typo, "apply", "-n", ns, "-f", "-");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].imagee\"", r.Stderr);
        Assert.Equal(404, await Objects.StatusOf(() => f.Client.CoreV1.ReadNamespacedPodAsync("typo", ns)));
    }

    [Fact]
    public async Task Explain_shows_fields_types_and_descriptions()
    {
        var spec = await f.KubectlAsync("explain", "pod.spec");
        Assert.True(spec.ExitCode == 0, spec.ToString());
        Assert.Contains("FIELD: spec <PodSpec>", spec.Stdout);
        Assert.Matches(@"(?m)^\s+containers\t<\[\]Container>", spec.Stdout);
        Assert.Matches(@"(?m)^\s+restartPolicy\t<string>", spec.Stdout);

        var field = await f.KubectlAsync("explain", "deployment.spec.replicas");
        Assert.True(field.ExitCode == 0, field.ToString());
        Assert.Contains("GROUP:      apps", field.Stdout);
        Assert.Contains("FIELD: replicas <integer>", field.Stdout);
        Assert.Contains("Number of desired pods", field.Stdout);   // description from the KubernetesClient XML docs
    }

    [Fact]
    public async Task Kubectl_errors_come_from_server_status()
    {
        var missing = await f.KubectlAsync("get", "pod", "nope-nope", "-n", "default");
        Assert.Contains("Error from server (NotFound): pods \"nope-nope\" not found", missing.Stderr);
        var unknown = await f.KubectlAsync("get", "widgets");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("the server doesn't have a resource type \"widgets\"", unknown.Stderr);
    }
}
