#include "message.h"

#include <nanomsg/nn.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace nnts {

int RecvRawMessage(int s, RawMessage* m) {
  void* body = nullptr;
  void* control = nullptr;
  nn_iovec iov = {&body, NN_MSG};
  nn_msghdr hdr;
  std::memset(&hdr, 0, sizeof(hdr));
  hdr.msg_iov = &iov;
  hdr.msg_iovlen = 1;
  hdr.msg_control = &control;
  hdr.msg_controllen = NN_MSG;
  int rc = nn_recvmsg(s, &hdr, NN_DONTWAIT);
  if (rc < 0) return nn_errno();
  m->body = body;
  m->size = static_cast<size_t>(rc);
  m->control = control;
  m->header = nullptr;
  m->header_size = 0;
  // The library puts SP_HDR first: a size_t length, then the header bytes.
  for (nn_cmsghdr* c = NN_CMSG_FIRSTHDR(&hdr); c != nullptr; c = NN_CMSG_NXTHDR(&hdr, c)) {
    if (c->cmsg_level != PROTO_SP || c->cmsg_type != SP_HDR) continue;
    size_t room = c->cmsg_len - NN_CMSG_SPACE(0);
    if (room < sizeof(size_t)) break;
    size_t size;
    std::memcpy(&size, NN_CMSG_DATA(c), sizeof(size));
    if (size > room - sizeof(size_t)) break;
    m->header = reinterpret_cast<const char*>(NN_CMSG_DATA(c)) + sizeof(size_t);
    m->header_size = size;
    break;
  }
  return 0;
}

void FreeRawMessage(RawMessage* m) {
  if (m->body != nullptr) nn_freemsg(m->body);
  if (m->control != nullptr) nn_freemsg(m->control);
  *m = RawMessage();
}

int SendRawMessage(int s, void* data, size_t size, bool chunk, const char* header,
                   size_t header_size) {
  // The same layout nn_recvmsg produces: cmsg_len = NN_CMSG_SPACE(payload).
  size_t payload = sizeof(size_t) + header_size;
  size_t space = NN_CMSG_SPACE(payload);
  alignas(alignof(std::max_align_t)) char small[512];
  std::vector<std::max_align_t> large;
  char* control = small;
  if (space > sizeof(small)) {
    large.resize((space + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t));
    control = reinterpret_cast<char*>(large.data());
  }
  std::memset(control, 0, space);
  auto* c = reinterpret_cast<nn_cmsghdr*>(control);
  c->cmsg_len = space;
  c->cmsg_level = PROTO_SP;
  c->cmsg_type = SP_HDR;
  std::memcpy(NN_CMSG_DATA(c), &header_size, sizeof(size_t));
  if (header_size > 0) std::memcpy(NN_CMSG_DATA(c) + sizeof(size_t), header, header_size);

  void* body = data;
  nn_iovec iov;
  if (chunk) {
    iov.iov_base = &body;
    iov.iov_len = NN_MSG;
  } else {
    iov.iov_base = size == 0 ? const_cast<char*>("") : data;
    iov.iov_len = size;
  }
  nn_msghdr hdr;
  std::memset(&hdr, 0, sizeof(hdr));
  hdr.msg_iov = &iov;
  hdr.msg_iovlen = 1;
  hdr.msg_control = control;
  hdr.msg_controllen = space;
  int rc = nn_sendmsg(s, &hdr, NN_DONTWAIT);
  return rc < 0 ? nn_errno() : 0;
}

}  // namespace nnts
