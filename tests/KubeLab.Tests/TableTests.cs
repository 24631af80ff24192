using k8s.Models;

namespace KubeLab.Tests;

public class TableTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static V1Pod Pod(string name, string phase, Action<V1Pod>? change = null)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, CreationTimestamp = Now.UtcDateTime.AddSeconds(-75) },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx" }], NodeName = "k8s-course-worker" },
            Status = new V1PodStatus { Phase = phase, PodIP = "10.244.1.5" },
        };
        change?.Invoke(pod);
        return pod;
    }

    [Fact]
    public void Status_column_follows_kubectl_rules()
    {
        var waiting = Pod("a", "Pending", p => p.Status.ContainerStatuses =
            [new V1ContainerStatus { Name = "app", Ready = false, State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ImagePullBackOff" } } }]);
        var running = Pod("b", "Running", p => p.Status.ContainerStatuses =
            [new V1ContainerStatus { Name = "app", Ready = true, RestartCount = 2, State = new V1ContainerState { Running = new V1ContainerStateRunning() } }]);
        var terminating = Pod("c", "Running", p => p.Metadata.DeletionTimestamp = Now.UtcDateTime);
        var completed = Pod("d", "Succeeded", p => p.Status.ContainerStatuses =
            [new V1ContainerStatus { Name = "app", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = "Completed", ExitCode = 0 } } }]);
        var crashed = Pod("e", "Running", p => p.Status.ContainerStatuses =
            [new V1ContainerStatus { Name = "app", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 137 } } }]);

        Assert.Equal("ImagePullBackOff", PodStatusText.Status(waiting));
        Assert.Equal("Running", PodStatusText.Status(running));
        Assert.Equal("Terminating", PodStatusText.Status(terminating));
        Assert.Equal("Completed", PodStatusText.Status(completed));
        Assert.Equal("ExitCode:137", PodStatusText.Status(crashed));
        Assert.Equal("1/1", PodStatusText.Ready(running));
        Assert.Equal("0/1", PodStatusText.Ready(waiting));

        var table = new PodTable("lab-x", null, [running, waiting], Now);
        Assert.Equal(["a", "b"], table.Rows.Select(r => r.Name));
        Assert.Equal(2, table.Rows[1].Restarts);
        Assert.Equal("75s", table.Rows[0].Age);
        var text = table.ToString().Split('\n');
        Assert.StartsWith("NAME   READY   STATUS", text[0]);
        Assert.Contains("ImagePullBackOff", text[1]);
    }

    [Fact]
    public void Html_tables_escape_every_cell()
    {
        var evil = Pod("x", "Pending", p => p.Status.Reason = "<script>alert('x')</script>");
        var html = new PodTable("lab-<b>", "app=<i>", [evil], Now).ToHtml();
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html);
        Assert.Contains("lab-&lt;b&gt;", html);
        Assert.Contains("app=&lt;i&gt;", html);
    }

    [Fact]
    public void Empty_pod_table_reads_like_kubectl()
        => Assert.Equal("No resources found in lab-x namespace.", new PodTable("lab-x", null, [], Now).ToString());

    [Fact]
    public void Node_table_shows_roles_and_status()
    {
        var node = new V1Node
        {
            Metadata = new V1ObjectMeta { Name = "cp", CreationTimestamp = Now.UtcDateTime.AddHours(-30), Labels = new Dictionary<string, string> { ["node-role.kubernetes.io/control-plane"] = "" } },
            Spec = new V1NodeSpec { Unschedulable = true },
            Status = new V1NodeStatus
            {
                Conditions = [new V1NodeCondition { Type = "Ready", Status = "True" }],
                NodeInfo = new V1NodeSystemInfo { KubeletVersion = "v1.32.2" },
                Addresses = [new V1NodeAddress { Type = "InternalIP", Address = "172.18.0.2" }],
            },
        };
        var row = new NodeTable([node], Now).Rows.Single();
        Assert.Equal(new NodeRow("cp", "Ready,SchedulingDisabled", "control-plane", "30h", "v1.32.2", "172.18.0.2"), row);
    }

    [Theory] // k8s.io/apimachinery/pkg/util/duration.HumanDuration
    [InlineData(5, "5s")]
    [InlineData(119, "119s")]
    [InlineData(200, "3m20s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 + 120, "3h2m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(3 * 86400 + 4 * 3600, "3d4h")]
    [InlineData(120 * 86400, "120d")]
    public void Age_matches_kubectl(int seconds, string expected) => Assert.Equal(expected, Age.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Applied_objects_print_like_kubectl_apply()
    {
        var applied = new AppliedObjects("inline YAML", [new AppliedObject(1, "apps/v1", "ReplicaSet", "web", "lab-x", "created"), new AppliedObject(2, "v1", "Pod", "p", "lab-x", "unchanged")]);
        Assert.Equal($"replicaset.apps/web created{Environment.NewLine}pod/p unchanged", applied.ToString());
        Assert.Contains("<td style=\"padding:2px 10px\">ReplicaSet</td>", applied.ToHtml());
    }

    [Fact]
    public void Check_that_prints_and_require_throws()
    {
        Assert.True(Check.That(true, "pods are running", "wait"));
        Assert.False(Check.That(false, "pods are running", "wait"));
        var e = Assert.Throws<CheckFailedException>(() => Check.Require(false, "3 pods", "scale the ReplicaSet"));
        Assert.Equal("✗ 3 pods — Hint: scale the ReplicaSet", e.Message);
    }
}
