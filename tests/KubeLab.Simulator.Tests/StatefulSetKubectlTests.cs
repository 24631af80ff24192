using System.Text.RegularExpressions;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// The real kubectl 1.32 against the simulator for StatefulSets and DaemonSets: get tables, rollout status/history/undo
/// (history and undo read the ControllerRevisions; undo sends the stored template back as a strategic merge patch).
/// </summary>
public partial class StatefulSetKubectlTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    [GeneratedRegex(" {2,}")] private static partial Regex ColumnGap();

    private const string Manifests = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          clusterIP: None
          selector:
            app: web
          ports:
          - port: 80
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: web
        spec:
          serviceName: web
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: nginx
                image: nginx:1.27
          volumeClaimTemplates:
          - metadata:
              name: www
            spec:
              accessModes: ["ReadWriteOnce"]
              resources:
                requests:
                  storage: 1Gi
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: agent
        spec:
          selector:
            matchLabels:
              app: agent
          template:
            metadata:
              labels:
                app: agent
            spec:
              containers:
              - name: agent
                image: fluent/fluent-bit:3.2.2
        """;

    private Task<KubectlResult> Ok(params string[] args) => f.KubectlOkAsync(args);

    [Fact]
    public async Task Rollout_status_history_and_undo_work_for_statefulsets_and_daemonsets()
    {
        var ns = await f.NewNamespaceAsync("stsk");
        var applied = await f.KubectlWithInputAsync(Manifests, "apply", "-n", ns, "-f", "-");
        Assert.True(applied.ExitCode == 0, applied.ToString());

        var sts = await Ok("rollout", "status", "-n", ns, "sts/web", "--timeout=30s");
        Assert.Contains("partitioned roll out complete: 2 new pods have been updated...", sts.Stdout);
        var ds = await Ok("rollout", "status", "-n", ns, "ds/agent", "--timeout=30s");
        Assert.Contains("daemon set \"agent\" successfully rolled out", ds.Stdout);

        var get = await Ok("get", "-n", ns, "sts,ds");
        var lines = get.Lines.Select(l => l.Trim()).ToList();
        Assert.Equal(["NAME", "READY", "AGE"], ColumnGap().Split(lines[0]));
        Assert.Matches(@"^statefulset\.apps/web\s+2/2\s", lines[1]);
        var dsHeader = lines.FindIndex(l => l.StartsWith("NAME", StringComparison.Ordinal) && l.Contains("DESIRED", StringComparison.Ordinal));
        Assert.Equal(["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"], ColumnGap().Split(lines[dsHeader]));
        Assert.Matches(@"^daemonset\.apps/agent\s+2\s+2\s+2\s+2\s+2\s+<none>\s", lines[dsHeader + 1]);

        await Ok("set", "image", "-n", ns, "sts/web", "nginx=nginx:1.27.3");
        await Ok("rollout", "status", "-n", ns, "sts/web", "--timeout=30s");
        var history = await Ok("rollout", "history", "-n", ns, "sts/web");
        Assert.Matches(@"(?m)^1\s+<none>\s*$", history.Stdout);
        Assert.Matches(@"(?m)^2\s+<none>\s*$", history.Stdout);

        await Ok("rollout", "undo", "-n", ns, "sts/web");
        await Ok("rollout", "status", "-n", ns, "sts/web", "--timeout=30s");
        var image = await Ok("get", "-n", ns, "sts/web", "-o", "jsonpath={.spec.template.spec.containers[0].image}");
        Assert.Equal("nginx:1.27", image.Stdout.Trim());
        // Undoing to revision 1 makes its template the newest: revision 1 is renumbered 3.
        var after = await Ok("rollout", "history", "-n", ns, "sts/web");
        Assert.Matches(@"(?m)^2\s+<none>\s*$", after.Stdout);
        Assert.Matches(@"(?m)^3\s+<none>\s*$", after.Stdout);
        Assert.DoesNotMatch(@"(?m)^1\s+<none>\s*$", after.Stdout);
        var revisions = await Ok("get", "-n", ns, "controllerrevisions");
        Assert.Equal(["NAME", "CONTROLLER", "REVISION", "AGE"], ColumnGap().Split(revisions.Lines[0].Trim()));
        Assert.Contains(revisions.Lines, l => Regex.IsMatch(l, @"^web-\w+\s+statefulset\.apps/web\s+3\s"));
        Assert.Contains(revisions.Lines, l => Regex.IsMatch(l, @"^agent-\w+\s+daemonset\.apps/agent\s+1\s"));

        var claims = await Ok("get", "-n", ns, "pvc", "-o", "name");
        Assert.Equal(["persistentvolumeclaim/www-web-0", "persistentvolumeclaim/www-web-1"], claims.Lines.Select(l => l.Trim()).Order(StringComparer.Ordinal));
    }
}
