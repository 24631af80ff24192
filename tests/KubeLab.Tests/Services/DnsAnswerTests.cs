namespace KubeLab.Tests.Services;

public sealed class DnsAnswerTests
{
    [Fact]
    public void Busybox_output_yields_the_answer_not_the_server()
    {
        const string output = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find web.lab.svc.cluster.local: NXDOMAIN\n\n" +
                              "Name:\tweb.lab-07.svc.cluster.local\nAddress: 10.96.12.7\n\n\n";
        var a = DnsAnswer.Parse("client", "web", output, 1);
        Assert.True(a.Found);
        Assert.Equal(["10.96.12.7"], a.Addresses);
        Assert.Equal(["web.lab-07.svc.cluster.local"], a.Names);
    }

    [Fact]
    public void Bind_output_with_several_records_and_nxdomain()
    {
        const string bind = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tdb.lab.svc.cluster.local\nAddress: 10.244.1.4\n" +
                            "Name:\tdb.lab.svc.cluster.local\nAddress: 10.244.2.9\n";
        Assert.Equal(["10.244.1.4", "10.244.2.9"], DnsAnswer.Parse("c", "db", bind, 0).Addresses);
        var none = DnsAnswer.Parse("c", "nope", "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find nope: NXDOMAIN\n", 1);
        Assert.False(none.Found);
        Assert.Contains("NXDOMAIN", none.ToString());
    }
}
