#include "pair_guard.h"

#include <nanomsg/nn.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "inproc_gate.h"

namespace nnts {
namespace pair_guard {

namespace {

struct PairEndpointRecord {
  unsigned long long key;
  int s;
  int eid;
  std::string address;
  bool inproc;
  bool connect;
  // Non-zero while nn_close(s) runs (one number per call): s may already
  // name a new socket, but this endpoint's connection may still exist.
  unsigned long long closing;
  // The endpoint at the other end of this inproc endpoint's connection, 0 if none.
  unsigned long long peer;
};

struct PairState {
  std::mutex mutex;
  std::vector<PairEndpointRecord> endpoints;
  unsigned long long serial = 0;
};

PairState& P() {
  static PairState* state = new PairState;
  return *state;
}

bool SameSocket(const PairEndpointRecord& a, const PairEndpointRecord& b) {
  return a.s == b.s && a.closing == b.closing;
}

// True when the socket of `e` may not take a new inproc connection: it has
// one already, or it has an endpoint of another transport (whose connections
// the library makes in the background, so one may exist at any moment).
bool Busy(const PairState& p, const PairEndpointRecord& e) {
  for (const PairEndpointRecord& o : p.endpoints) {
    if (SameSocket(o, e) && (o.peer != 0 || !o.inproc)) return true;
  }
  return false;
}

void Unlink(PairState& p, const PairEndpointRecord& gone) {
  if (gone.peer == 0) return;
  for (PairEndpointRecord& o : p.endpoints) {
    if (o.key == gone.peer) o.peer = 0;
  }
}

}  // namespace

int Endpoint(int s, const std::string& address, bool bind, int* err) {
  PairState& p = P();
  // Held across nn_bind/nn_connect: inproc connections form inside them.
  std::lock_guard<std::mutex> lock(p.mutex);
  PairEndpointRecord self{++p.serial, s, -1, address, inproc_gate::IsInproc(address.c_str()),
                          !bind,      0, 0};
  // The endpoint that an inproc connection made now would join, if any: the
  // PAIR bound there, or the PAIR connector waiting there.
  PairEndpointRecord* other = nullptr;
  if (self.inproc) {
    for (PairEndpointRecord& o : p.endpoints) {
      if (!o.inproc || o.address != address) continue;
      if (!bind && o.connect) {
        // One connector per address: a second one would be turned away.
        *err = EISCONN;
        return -1;
      }
      if (bind ? (o.connect && o.peer == 0) : !o.connect) other = &o;
    }
    if (other != nullptr && (SameSocket(*other, self) || Busy(p, self) || Busy(p, *other))) {
      *err = EISCONN;
      return -1;
    }
  }
  int eid = bind ? nn_bind(s, address.c_str()) : nn_connect(s, address.c_str());
  if (eid < 0) {
    *err = nn_errno();
    return -1;
  }
  self.eid = eid;
  if (other != nullptr) {
    self.peer = other->key;
    other->peer = self.key;
  }
  p.endpoints.push_back(self);
  return eid;
}

void Shutdown(int s, int eid) {
  PairState& p = P();
  std::lock_guard<std::mutex> lock(p.mutex);
  for (auto it = p.endpoints.begin(); it != p.endpoints.end(); ++it) {
    if (it->s == s && it->eid == eid && it->closing == 0) {
      Unlink(p, *it);
      p.endpoints.erase(it);
      return;
    }
  }
}

}  // namespace pair_guard

void CloseSocket(int s, bool inproc) {
  using namespace pair_guard;
  PairState& p = P();
  unsigned long long ticket = 0;
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    for (PairEndpointRecord& e : p.endpoints) {
      if (e.s != s || e.closing != 0) continue;
      if (ticket == 0) ticket = ++p.serial;
      e.closing = ticket;
    }
  }
  {
    inproc_gate::Closing exclusive(inproc);
    while (nn_close(s) != 0 && nn_errno() == EINTR) {
    }
  }
  if (ticket == 0) return;
  std::lock_guard<std::mutex> lock(p.mutex);
  std::vector<PairEndpointRecord>& v = p.endpoints;
  for (const PairEndpointRecord& e : v) {
    if (e.closing == ticket) Unlink(p, e);
  }
  v.erase(std::remove_if(v.begin(), v.end(),
                         [ticket](const PairEndpointRecord& e) { return e.closing == ticket; }),
          v.end());
}

}  // namespace nnts
