namespace KubeLab.Notebooks.Tests.KubectlCorpus;

public sealed class CorpusExtractorTests
{
    [Fact]
    public void Markdown_code_spans_and_fenced_lines_with_continuations_are_commands_prose_is_not()
    {
        var markdown = """
            Run `kubectl get pods -o wide` to see it; the official client and `kubectl` agree, and `kubectl.kubernetes.io/restartedAt`
            is an annotation. A span can wrap: `kubectl logs web
            -c web`.
            ```bash
            kubectl exec web -c web \
              -- cat /etc/hostname
            echo done   # not kubectl
            ```
            """;
        var found = CorpusExtractor.FromMarkdown(markdown).Select(c => c.Text).ToList();
        Assert.Equal(["kubectl exec web -c web -- cat /etc/hostname", "kubectl get pods -o wide", "kubectl logs web -c web"], found);
    }

    [Fact]
    public void Comments_yield_backticked_and_bare_commands_but_not_urls_or_code()
    {
        var code = """
            var x = "http://kubectl example"; // Follows a log (kubectl logs -f) until a line matches
            // kubectl set image deployment/<name> nginx=<image>
            // Like `kubectl get events --field-selector involvedObject.name=<pod>` does.
            Call("kubectl get nodes");
            """;
        var found = CorpusExtractor.FromComments(code, "//").ToList();
        Assert.Equal(["kubectl get events --field-selector involvedObject.name=<pod>", "kubectl logs -f", "kubectl set image deployment/<name> nginx=<image>"], found);
    }

    [Fact]
    public void Namespace_and_kubeconfig_go_before_the_double_dash_and_are_not_added_twice()
    {
        Assert.Equal(["exec", "web", "-c", "sh", "-n", "lab-x", "--kubeconfig=/k", "--", "ls", "-n"],
            KubectlCommandLine.ForCluster("kubectl exec web -c sh -- ls -n", "lab-x", "/k"));
        Assert.Equal(["scale", "sts", "web", "--replicas=4", "-n", "other", "--kubeconfig=/k"],
            KubectlCommandLine.ForCluster("kubectl scale sts web --replicas=4 -n other", "lab-x", "/k"));
        Assert.Equal(["get", "pods", "--selector=env in (a,b)", "-n", "lab-x", "--kubeconfig=/k"],
            KubectlCommandLine.ForCluster("kubectl get pods --selector='env in (a,b)'", "lab-x", "/k"));
        Assert.True(KubectlCommandLine.Streams(["logs", "-f", "web"]));
        Assert.False(KubectlCommandLine.Streams(["apply", "-f", "x.yaml"]));
    }
}
