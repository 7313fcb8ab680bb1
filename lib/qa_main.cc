/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The CppUnit runner main of every C++ test program. Each qa_*.cc registers its suites
// with CPPUNIT_TEST_SUITE_REGISTRATION. An optional argument runs a single suite or test,
// e.g. `qa_spead_engine qa_packet` or `qa_spead_engine qa_packet::test_bad_magic`.

#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <iostream>
#include <string>

int main(int argc, char** argv)
{
    CppUnit::TestResult controller;
    CppUnit::TestResultCollector result;
    controller.addListener(&result);
    CppUnit::BriefTestProgressListener progress;
    controller.addListener(&progress);

    CppUnit::Test* all = CppUnit::TestFactoryRegistry::getRegistry().makeTest();
    CppUnit::TestRunner runner;
    runner.addTest(all);
    std::string name = argc > 1 ? argv[1] : "";
    // Suites declared inside a namespace carry it in their name; ctest names every
    // suite by its file alone.
    if (!name.empty()) {
        for (const char* prefix : { "",
                                    "gr::spead::protocol::",
                                    "gr::spead::recv::",
                                    "gr::spead::send::",
                                    "gr::spead::" }) {
            try {
                all->findTest(prefix + name);
                name = prefix + name;
                break;
            } catch (const std::invalid_argument&) {
            }
        }
    }
    try {
        runner.run(controller, name);
    } catch (const std::invalid_argument& e) {
        std::cerr << "no test named " << argv[1] << ": " << e.what() << '\n';
        return 2;
    }

    CppUnit::CompilerOutputter outputter(&result, std::cerr);
    outputter.write();
    const int failed = result.testFailuresTotal();
    std::cout << (result.runTests() - failed) << " passed, " << failed << " failed\n";
    return result.wasSuccessful() ? 0 : 1;
}
