/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/recv/rate_limited_log.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace std::chrono_literals;

namespace {

/// Long enough that every test step falls in one window.
constexpr auto one_hour = std::chrono::steady_clock::duration(std::chrono::hours(1));

/// Short window for the tests that cross into a new one. The messages of one phase are
/// logged within microseconds of each other, far inside it; the test then sleeps well
/// past it.
constexpr auto short_window = std::chrono::steady_clock::duration(200ms);
constexpr auto past_short_window = 300ms;

/// Everything the engine logged while a test ran (thread-safe, as log functions must be).
class log_capture
{
public:
    void add(log_level level, const std::string& message)
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        d_lines.emplace_back(level, message);
    }
    std::vector<std::pair<log_level, std::string>> lines() const
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        return d_lines;
    }

private:
    mutable std::mutex d_mutex;
    std::vector<std::pair<log_level, std::string>> d_lines;
};

} // namespace

class qa_rate_limited_log : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_rate_limited_log);
    CPPUNIT_TEST(test_burst_passes_then_suppressed);
    CPPUNIT_TEST(test_summary_before_next_admitted_message);
    CPPUNIT_TEST(test_no_summary_when_nothing_suppressed);
    CPPUNIT_TEST(test_lazy_message_built_only_when_logged);
    CPPUNIT_TEST(test_levels_preserved);
    CPPUNIT_TEST(test_invalid_construction);
    CPPUNIT_TEST(test_concurrent_callers_share_budget);
    CPPUNIT_TEST_SUITE_END();

    std::shared_ptr<log_capture> d_capture;

public:
    void setUp() override
    {
        d_capture = std::make_shared<log_capture>();
        auto capture = d_capture;
        set_log_function([capture](log_level level, const std::string& message) {
            capture->add(level, message);
        });
    }

    void tearDown() override
    {
        set_log_function(log_function()); // back to the default (stderr)
        d_capture.reset();
    }

    void test_burst_passes_then_suppressed()
    {
        rate_limited_log limiter(3, one_hour);
        CPPUNIT_ASSERT(limiter.log(log_level::warning, "m0"));
        CPPUNIT_ASSERT(limiter.log(log_level::warning, "m1"));
        CPPUNIT_ASSERT(limiter.log(log_level::warning, "m2"));
        CPPUNIT_ASSERT(!limiter.log(log_level::warning, "m3"));
        CPPUNIT_ASSERT(!limiter.log(log_level::warning, "m4"));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), limiter.suppressed());

        const auto lines = d_capture->lines();
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), lines.size());
        for (std::size_t i = 0; i < 3; ++i) {
            CPPUNIT_ASSERT(lines[i].first == log_level::warning);
            CPPUNIT_ASSERT_EQUAL("m" + std::to_string(i), lines[i].second);
        }
    }

    void test_summary_before_next_admitted_message()
    {
        rate_limited_log limiter(2, short_window);
        for (int i = 0; i < 5; ++i)
            limiter.log(log_level::error, "first window " + std::to_string(i));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), limiter.suppressed());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), d_capture->lines().size());

        std::this_thread::sleep_for(past_short_window);
        CPPUNIT_ASSERT(limiter.log(log_level::error, "second window"));
        // A fresh budget: one more passes, then suppression again.
        CPPUNIT_ASSERT(limiter.log(log_level::error, "second window again"));
        CPPUNIT_ASSERT(!limiter.log(log_level::error, "second window dropped"));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(4), limiter.suppressed());

        const auto lines = d_capture->lines();
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), lines.size());
        CPPUNIT_ASSERT_EQUAL(std::string("first window 0"), lines[0].second);
        CPPUNIT_ASSERT_EQUAL(std::string("first window 1"), lines[1].second);
        // The summary comes first, as a warning, whatever the suppressed messages' level.
        CPPUNIT_ASSERT(lines[2].first == log_level::warning);
        CPPUNIT_ASSERT_EQUAL(std::string("3 similar messages suppressed"),
                             lines[2].second);
        CPPUNIT_ASSERT(lines[3].first == log_level::error);
        CPPUNIT_ASSERT_EQUAL(std::string("second window"), lines[3].second);
        CPPUNIT_ASSERT_EQUAL(std::string("second window again"), lines[4].second);
    }

    void test_no_summary_when_nothing_suppressed()
    {
        rate_limited_log limiter(2, short_window);
        CPPUNIT_ASSERT(limiter.log(log_level::warning, "a"));
        std::this_thread::sleep_for(past_short_window);
        CPPUNIT_ASSERT(limiter.log(log_level::warning, "b"));
        const auto lines = d_capture->lines();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), lines.size());
        CPPUNIT_ASSERT_EQUAL(std::string("a"), lines[0].second);
        CPPUNIT_ASSERT_EQUAL(std::string("b"), lines[1].second);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), limiter.suppressed());
    }

    void test_lazy_message_built_only_when_logged()
    {
        rate_limited_log limiter(1, one_hour);
        int built = 0;
        auto make = [&built] {
            ++built;
            return std::string("expensive");
        };
        CPPUNIT_ASSERT(limiter.log_lazy(log_level::info, make));
        CPPUNIT_ASSERT(!limiter.log_lazy(log_level::info, make));
        CPPUNIT_ASSERT(!limiter.log_lazy(log_level::info, make));
        CPPUNIT_ASSERT_EQUAL(1, built);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), limiter.suppressed());
        const auto lines = d_capture->lines();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), lines.size());
        CPPUNIT_ASSERT(lines[0].first == log_level::info);
        CPPUNIT_ASSERT_EQUAL(std::string("expensive"), lines[0].second);
    }

    void test_levels_preserved()
    {
        rate_limited_log limiter(4, one_hour);
        limiter.log(log_level::debug, "d");
        limiter.log(log_level::info, "i");
        limiter.log(log_level::warning, "w");
        limiter.log(log_level::error, "e");
        const auto lines = d_capture->lines();
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), lines.size());
        CPPUNIT_ASSERT(lines[0].first == log_level::debug);
        CPPUNIT_ASSERT(lines[1].first == log_level::info);
        CPPUNIT_ASSERT(lines[2].first == log_level::warning);
        CPPUNIT_ASSERT(lines[3].first == log_level::error);
    }

    void test_invalid_construction()
    {
        CPPUNIT_ASSERT_THROW(rate_limited_log(0, one_hour), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(
            rate_limited_log(1, std::chrono::steady_clock::duration::zero()),
            std::invalid_argument);
        CPPUNIT_ASSERT_THROW(rate_limited_log(1, -std::chrono::seconds(1)),
                             std::invalid_argument);
    }

    void test_concurrent_callers_share_budget()
    {
        constexpr int threads = 4;
        constexpr int per_thread = 100;
        constexpr std::size_t burst = 10;
        rate_limited_log limiter(burst, one_hour);
        std::vector<std::future<int>> callers;
        for (int t = 0; t < threads; ++t)
            callers.push_back(std::async(std::launch::async, [&limiter] {
                int logged = 0;
                for (int i = 0; i < per_thread; ++i)
                    logged += limiter.log(log_level::warning, "flood") ? 1 : 0;
                return logged;
            }));
        int logged = 0;
        for (auto& c : callers)
            logged += c.get();
        CPPUNIT_ASSERT_EQUAL(int(burst), logged);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(threads * per_thread - burst),
                             limiter.suppressed());
        CPPUNIT_ASSERT_EQUAL(burst, d_capture->lines().size());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_rate_limited_log);
