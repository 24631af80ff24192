namespace KubeLab.Tests.Pods;

public class ExecResultTests
{
    [Fact]
    public void Text_form_reads_like_kubectl_exec()
    {
        var r = new ExecResult("hello\n", "", 0) { Pod = "web", Container = "log-shipper", Command = ["sh", "-c", "echo hello"] };
        Assert.Equal("$ kubectl exec web -c log-shipper -- sh -c 'echo hello'\nhello\n(exit code 0)", r.ToString());
        Assert.True(r.Succeeded);
        Assert.Null(r.Hint);
    }

    [Fact]
    public void Non_zero_exit_is_reported_with_kubectls_wording_and_a_hint_for_a_missing_program()
    {
        var r = new ExecResult("", "sh: wget: not found\n", 127) { Pod = "web", Command = ["sh", "-c", "wget -qO- localhost"] };
        Assert.False(r.Succeeded);
        Assert.Contains("command terminated with exit code 127", r.ToString());
        Assert.Contains("did not find the command", r.Hint);
        var missing = new ExecResult("", "", 126) { Pod = "web", Command = ["wget"] };
        Assert.Contains("\"wget\"", missing.Hint);
    }

    [Fact]
    public void Html_escapes_the_output()
    {
        var r = new ExecResult("<h1>Welcome to nginx!</h1>", "", 0) { Pod = "web", Command = ["cat", "/usr/share/nginx/html/index.html"] };
        Assert.Contains("&lt;h1&gt;Welcome to nginx!&lt;/h1&gt;", r.ToHtml());
        Assert.DoesNotContain("<h1>", r.ToHtml());
    }

    [Fact]
    public void Proxy_result_tells_a_container_answer_from_an_api_server_answer()
    {
        var served = new HttpGetResult("liveness", 8080, "/healthz", 500, "error: 11.2s", null);
        Assert.True(served.ReachedContainer);
        Assert.False(served.IsSuccess);
        var refused = new HttpGetResult("web", 8080, "/", 503, "{}", "error trying to reach service: dial tcp 10.244.1.7:8080: connect: connection refused");
        Assert.False(refused.ReachedContainer);
        Assert.Contains("the container was not reached", refused.ToString());
    }
}
