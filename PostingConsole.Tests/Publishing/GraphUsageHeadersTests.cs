using System.Net.Http.Headers;
using PostingConsole.Publishing.Graph;

namespace PostingConsole.Tests.Publishing;

public class GraphUsageHeadersTests
{
    [Fact]
    public void App_and_business_usage_and_the_time_to_regain_access_are_read()
    {
        using var response = new HttpResponseMessage();
        response.Headers.Add("X-App-Usage", """{"call_count":28,"total_time":25,"total_cputime":25}""");
        response.Headers.Add("X-Business-Use-Case-Usage",
            """{"17841400000001":[{"type":"instagram","call_count":95,"total_time":10,"total_cputime":10,"estimated_time_to_regain_access":42}]}""");

        var usage = GraphUsageHeaders.Parse(response.Headers);

        usage.AppCallCountPercent.ShouldBe(28);
        usage.BusinessCallCountPercent.ShouldBe(95);
        usage.RegainAccessIn.ShouldBe(TimeSpan.FromMinutes(42));
        usage.NearLimit.ShouldBeTrue();
    }

    [Fact]
    public void Missing_or_broken_headers_mean_no_usage()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("X-App-Usage", "not json");
        GraphUsageHeaders.Parse(response.Headers).ShouldBe(new GraphUsage(null, null, null));
    }
}
